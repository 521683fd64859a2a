"""Turning a request path into a file path that cannot leave the served directories.

Rules (this module is the security boundary, keep every check here):
- the request path is split on "/" and joined under the directory; "" and "." segments drop;
- a ".." segment, a NUL byte, a backslash or a drive-letter segment ("C:") is refused outright,
  before the filesystem is touched;
- the joined path is then resolved (os.path.realpath, or abspath when symlinks may be followed)
  and must still lie inside the resolved directory (os.path.commonpath), which also catches
  symlinks that point outside.
"""

from __future__ import annotations

import os
import re

# A segment such as "C:" or "c:foo" names a drive on Windows (ntpath treats it as absolute).
_DRIVE = re.compile(r"(?:^|/)[A-Za-z]:")

# Percent-escapes a server decodes into a separator, a NUL or ".." before we see scope["path"];
# finding one in raw_path means the client tried to smuggle it past the router.
_ENCODED_ATTACKS = re.compile(rb"%(?:2f|5c|00)|(?:%2e|\.)%2e|%2e\.", re.IGNORECASE)


def split_request_path(route_path: str) -> str:
    """The request path as a relative, "/"-joined path with empty and "." segments dropped."""
    return "/".join(part for part in route_path.split("/") if part not in ("", "."))


def is_unsafe(relative: str) -> bool:
    """True when `relative` holds anything that could escape a directory on some platform."""
    if "\x00" in relative or "\\" in relative or _DRIVE.search(relative):
        return True
    return ".." in relative.split("/")


def has_encoded_attack(raw_path: bytes | None) -> bool:
    """True when the undecoded path carried an escaped separator, NUL or ".."."""
    return raw_path is not None and _ENCODED_ATTACKS.search(raw_path) is not None


def resolve_inside(root: str, relative: str, *, follow_symlink: bool) -> str | None:
    """The absolute path of `relative` under `root` (already resolved), or None if it escapes."""
    joined = os.path.join(root, relative)
    full = os.path.abspath(joined) if follow_symlink else os.path.realpath(joined)
    if os.path.commonpath([full, root]) != root:
        return None
    return full


__all__ = ["has_encoded_attack", "is_unsafe", "resolve_inside", "split_request_path"]
