"""Conditional GET: decide whether the client's cached copy is still good (RFC 9110 13.1).

One home for FileResponse (a file answered from a handler) and StaticFiles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

# Headers a 304 keeps from the full response (RFC 9110 15.4.5).
NOT_MODIFIED_HEADERS = (
    "cache-control",
    "content-location",
    "date",
    "etag",
    "expires",
    "last-modified",
    "vary",
)


# An entity-tag is a quoted string that may itself hold commas ('"foo,*,bar"' is one tag), so
# the list is read tag by tag instead of split on ",".
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')


def _opaque_tags(header: str) -> set[str]:
    """The quoted tags of an If-None-Match list, without their weak markers."""
    return set(_ENTITY_TAG.findall(header))


def is_not_modified(
    response_headers: Mapping[str, str], request_headers: Mapping[str, str]
) -> bool:
    """True when If-None-Match (or, without it, If-Modified-Since) matches the response."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        # If-None-Match wins over If-Modified-Since when both are sent; weak comparison.
        etag = response_headers.get("etag")
        if etag is None:
            return False
        if if_none_match.strip(" \t") == "*":  # the wildcard only as the whole value
            return True
        return etag.strip().removeprefix("W/") in _opaque_tags(if_none_match)
    if_modified_since = request_headers.get("if-modified-since")
    last_modified = response_headers.get("last-modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        # An unparseable date (or a naive vs aware mix) means "send the full response".
        return False


__all__ = ["NOT_MODIFIED_HEADERS", "is_not_modified"]
