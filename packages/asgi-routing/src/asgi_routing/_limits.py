"""Request body size limits for Router, Mount and Route (`max_body_size=`).

Routers and mounts only record their limit in the scope; the leaf (a Route, or a Mount around a
foreign app) enforces the effective one. So the innermost setting wins instead of stacking.
"""

from __future__ import annotations

from asgi_protocol.exceptions import handled_above
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_requests import MAX_BODY_SIZE_SCOPE_KEY, BodyLimiter, BodyTooLarge, limit_receive
from asgi_routing._utils import answer_http_exceptions, http_error

# Scope key holding the limit in force: set by the nearest enclosing Router or Mount, or by a
# RequestBodyLimitMiddleware in front (the one key every body limit of ours reads).
SCOPE_KEY = MAX_BODY_SIZE_SCOPE_KEY


def applies_body_limits(app: object) -> bool:
    """Whether `app` enforces the limit in SCOPE_KEY itself, in its own routes.

    Our Router and App say so with a true `applies_body_limits` class attribute; a Mount leaves
    the limit to such an app and enforces it around any other (a Starlette or FastAPI router
    has `.routes` too, but knows nothing of our limit).
    """
    return getattr(app, "applies_body_limits", False) is True


def check_limit(max_body_size: int | None) -> int | None:
    """Validate a `max_body_size=` argument at construction."""
    if max_body_size is not None and (
        isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size < 0
    ):
        raise ValueError(f"max_body_size must be a non-negative int or None, not {max_body_size!r}")
    return max_body_size


async def call_with_limit(
    app: ASGIApp, limit: int, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run `app` with its request body capped at `limit` bytes (413 past it)."""
    # A declared length over the limit is refused before the app runs or any body is read.
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            # isdigit, not int(): int() accepts "+5", " 5" and "5_0".
            if not value.isdigit():
                await http_error(scope, receive, send, 400, "Invalid Content-Length header")
                return
            if int(value) > limit:
                # The same typed exception as while streaming, so one handler covers both.
                too_large = BodyTooLarge(limit)
                if handled_above(scope):
                    raise too_large
                await http_error(scope, receive, send, 413, too_large.detail)
                return
            break

    limiter = BodyLimiter.active(scope)
    if limiter is None:
        limited = limit_receive(receive, limit)
    else:
        # An outer limit (RequestBodyLimitMiddleware) counts this body already: this one
        # replaces its limit, so the innermost wins and nothing is counted twice.
        limiter.limit = limit
        limited = receive
    if handled_above(scope):
        # An exception middleware above answers BodyTooLarge (it is an HTTPException).
        await app(scope, limited, send)
        return

    await answer_http_exceptions(app, scope, limited, send)  # BodyTooLarge -> 413


__all__ = ["SCOPE_KEY", "call_with_limit", "check_limit"]
