"""Where a request stands inside a mounted app: the path relative to its root_path."""

from __future__ import annotations

from asgi_protocol.types import Scope


def get_route_path(scope: Scope) -> str:
    """The part of ``scope["path"]`` below ``scope["root_path"]``.

    Mounts extend root_path and keep path whole (ASGI's rule), so every router and static-files
    app finds its own part here. root_path only counts when it ends on a segment boundary:
    ``/api`` is a prefix of ``/api/users`` but not of ``/apiary``.
    """
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if not root_path or not path.startswith(root_path):
        return path
    if len(path) == len(root_path):
        return ""
    return path[len(root_path) :] if path[len(root_path)] == "/" else path


__all__ = ["get_route_path"]
