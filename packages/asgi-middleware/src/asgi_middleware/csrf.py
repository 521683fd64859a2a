"""CSRFMiddleware: refuse the unsafe requests another site's page makes a browser send.

Every request whose method is not safe (anything but GET, HEAD, OPTIONS and TRACE) passes two
checks, or is answered 403 with the reason (`CSRF: Origin https://evil.example is not trusted`):

1. Where it comes from. A browser names the page that sent it in `Origin` (older ones only in
   `Referer`): that must be the request's own origin (its scheme, and its host by the rule of
   asgi_protocol.hosts; default ports implied) or one of `trusted_origins`
   (`https://app.example.com`, `https://*.example.com` for the subdomains). `Origin: null`
   (sandboxed frames, local files) is never trusted. A request with neither header comes from
   no browser, so no other site can have sent it: it passes.
2. A token, for forms: the bodies any site's HTML form can post without asking (urlencoded,
   multipart, text/plain). Double submit: the `csrftoken` cookie, 32 random bytes set on the
   answer to any request that came without one (SameSite=Lax, Secure over https, not HttpOnly
   so the page's JavaScript can read it), must come back equal in the `X-CSRF-Token` header or
   in the form's `csrf_token` field (text/plain has no fields: the header only). Another site
   can make a browser send the cookie, never read it. The header is looked at first, and then
   the body is not read; to find the field, up to `max_form_size` bytes of body are read and
   parsed, and the app gets the body whole, as the client sent it.

The token is in the scope (`get_csrf_token(request)`), for the forms a page renders. Paths in
`exempt_paths` (and below them) skip both checks. WebSocket handshakes (no form sends one, any
page can open one) have their Origin checked while `check_websocket_origin` is true (the
default): refused with close code 1008, or a 403 where the server can send one.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from asgi_middleware._close import policy_close
from asgi_middleware._header_names import header_name_bytes
from asgi_protocol.datastructures import Headers
from asgi_protocol.hosts import parse_authority, request_authority
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import (
    ClientDisconnect,
    FormError,
    Request,
    empty_receive,
    parse_options_header,
)
from asgi_responses import PlainTextResponse, cookie_header_value

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
# The request's token (the cookie's, or the one its answer will set), for the app's forms.
CSRF_TOKEN_SCOPE_KEY = "asgi_toolkit.csrf_token"  # noqa: S105 (a key, not a secret)
DEFAULT_MAX_FORM_SIZE = 1024 * 1024
ONE_YEAR = 365 * 24 * 60 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PAGE_SCHEMES = {"http": "http", "https": "https", "ws": "http", "wss": "https"}
_END_OF_AUTHORITY = re.compile(r"[/?#]")
_SHOWN = 100  # characters of a header a refusal quotes, at most

Origin = tuple[str, str, int]  # scheme, lower-case host, port


def parse_origin(url: str) -> Origin | None:
    """The origin of an http(s) URL (an Origin or Referer value), None when it names none.

    The host is read by asgi_protocol.hosts' rule, so what counts as a host here is what
    counts as one for the request itself; no port means the scheme's default.
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        return None
    authority = parse_authority(_END_OF_AUTHORITY.split(rest, 1)[0])
    if authority is None:
        return None
    port = _DEFAULT_PORTS[scheme] if authority.port is None else authority.port
    return scheme, authority.host.lower(), port


def own_origin(scope: Scope) -> Origin | None:
    """The origin of the request itself (a WebSocket's is its page's: http or https)."""
    scheme = _PAGE_SCHEMES.get(scope.get("scheme", "http"))
    authority = request_authority(scope)
    if scheme is None or authority is None:
        return None
    port = _DEFAULT_PORTS[scheme] if authority.port is None else authority.port
    return scheme, authority.host.lower(), port


def _shown(origin: Origin) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}" if port == _DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"


def get_csrf_token(scope: Mapping[str, Any]) -> str:
    """The token for a form to send back in its `csrf_token` field (a scope or a Request)."""
    token = scope.get(CSRF_TOKEN_SCOPE_KEY)
    if not isinstance(token, str):
        raise RuntimeError("No CSRF token: this request did not pass through CSRFMiddleware")
    return token


def _replay(body: bytes, receive: Receive) -> Receive:
    """The app's receive: the body read for the check, in one message, then the client's."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


class CSRFMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        trusted_origins: Sequence[str] = (),
        exempt_paths: Sequence[str] = (),
        cookie_name: str = "csrftoken",
        header_name: str = "X-CSRF-Token",
        field_name: str = "csrf_token",
        cookie_max_age: int | None = ONE_YEAR,
        max_form_size: int = DEFAULT_MAX_FORM_SIZE,
        check_websocket_origin: bool = True,
    ) -> None:
        for name, value in (("trusted_origins", trusted_origins), ("exempt_paths", exempt_paths)):
            if isinstance(value, str):
                raise TypeError(f"{name} must be a sequence of strings, not a str")
        if isinstance(max_form_size, bool) or not isinstance(max_form_size, int):
            raise TypeError(f"max_form_size must be an int, not {max_form_size!r}")
        if max_form_size < 0:
            raise ValueError(f"max_form_size must not be negative, got {max_form_size}")
        self.app = app
        self.exact: set[Origin] = set()
        self.wildcards: list[Origin] = []  # (scheme, ".example.com", port)
        for entry in trusted_origins:
            self._trust(entry)
        for path in exempt_paths:
            if not path.startswith("/"):
                raise ValueError(f"exempt_paths entries are paths starting with '/', not {path!r}")
        self.exempt_exact = frozenset(path.rstrip("/") or "/" for path in exempt_paths)
        self.exempt_below = tuple(path.rstrip("/") + "/" for path in exempt_paths)
        cookie_header_value(cookie_name, "x")  # a bad name is refused now, not per request
        self.cookie_name = cookie_name
        self.cookie_max_age = cookie_max_age
        self.cookie_prefix = f"{cookie_name}=".encode("latin-1")
        self.header = header_name_bytes(header_name)
        self.header_name = header_name
        self.field_name = field_name
        self.max_form_size = max_form_size
        self.check_websocket_origin = check_websocket_origin

    def _trust(self, entry: str) -> None:
        if entry == "null":
            raise ValueError("The origin 'null' can't be trusted: any sandboxed page sends it")
        scheme, sep, rest = entry.partition("://")
        wildcard = rest.startswith("*.")
        host = rest[2:] if wildcard else rest
        origin = parse_origin(f"{scheme}://{host}")
        if origin is None or not sep or _END_OF_AUTHORITY.search(rest) or "*" in host:
            raise ValueError(
                "trusted_origins entries are scheme://host[:port] (or https://*.example.com), "
                f"not {entry!r}"
            )
        if wildcard:
            self.wildcards.append((origin[0], "." + origin[1], origin[2]))
        else:
            self.exact.add(origin)

    def trusted(self, origin: Origin, scope: Scope) -> bool:
        if origin == own_origin(scope) or origin in self.exact:
            return True
        scheme, host, port = origin
        return any(
            scheme == w_scheme and port == w_port and host.endswith(suffix)
            for w_scheme, suffix, w_port in self.wildcards
        )

    def origin_refusal(self, scope: Scope, headers: Headers) -> str | None:
        """Why the request's Origin (or Referer) is not trusted; None when it is (or has none)."""
        which, value = "Origin", headers.get("origin")
        if value is None:
            which, value = "Referer", headers.get("referer")
            if value is None:
                return None
        origin = parse_origin(value)
        if origin is not None and self.trusted(origin, scope):
            return None
        shown = _shown(origin) if origin is not None else value
        return f"CSRF: {which} {shown[:_SHOWN]} is not trusted"

    def exempt(self, scope: Scope) -> bool:
        path: str = scope.get("path", "")
        return path in self.exempt_exact or path.startswith(self.exempt_below)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket") or self.exempt(scope):
            await self.app(scope, receive, send)
            return
        if kind == "websocket":
            await self.serve_websocket(scope, receive, send)
            return
        request = Request(scope, receive)
        cookie = request.cookies.get(self.cookie_name)
        known = cookie if cookie is not None and _TOKEN.fullmatch(cookie) else None
        token = scope[CSRF_TOKEN_SCOPE_KEY] = known or secrets.token_urlsafe(32)
        if known is None:  # a new token: its cookie goes out on the answer, whatever it is
            send = self._setting_cookie(scope, send, token)
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            refusal = self.origin_refusal(scope, request.headers)
            if refusal is None:
                refusal, receive = await self.token_refusal(request, known)
        except ClientDisconnect:
            return  # gone while we read its form: nobody to answer
        except FormError as exc:  # the form can't be read, by us or by the app
            await PlainTextResponse(f"CSRF: {exc.detail}", status_code=400)(scope, receive, send)
            return
        if refusal is not None:
            await PlainTextResponse(refusal, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def token_refusal(
        self, request: Request, cookie: str | None
    ) -> tuple[str | None, Receive]:
        """Why a form's token is missing or wrong (None if it is right), and the receive the
        app reads the body through: replaying it, when it was read to find the field."""
        receive = request.receive
        content_type, _ = parse_options_header(request.headers.get("content-type", ""))
        if content_type not in FORM_TYPES:
            return None, receive  # no HTML form can send it: the Origin check is the guard
        if cookie is None:
            return f"CSRF: token missing: no {self.cookie_name} cookie came", receive
        submitted = request.headers.get(self.header_name)
        if submitted is None and content_type != "text/plain":
            body = await self._form_body(request)
            if body is None:
                return (
                    f"CSRF: a form over {self.max_form_size} bytes must send its token in the "
                    f"{self.header_name} header",
                    receive,
                )
            receive = _replay(body, receive)
            submitted = await self._form_field(request.scope, body)
        if submitted is None:
            where = "" if content_type == "text/plain" else f" or the {self.field_name} form field"
            return f"CSRF: token missing: send it in the {self.header_name} header{where}", receive
        # Bytes, so that a header full of non-ASCII can't make compare_digest raise.
        if not hmac.compare_digest(submitted.encode("latin-1", "replace"), cookie.encode()):
            return "CSRF: token mismatch", receive
        return None, receive

    async def _form_body(self, request: Request) -> bytes | None:
        """The whole body, None past max_form_size (refused unread when its length says so)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and len(declared) < 20 and int(declared) > self.max_form_size:
            return None
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_form_size:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def _form_field(self, scope: Scope, body: bytes) -> str | None:
        # A copy of the scope: this parse, for the check, is not the app's (FORM_SCOPE_KEY).
        async with Request({**scope}, _replay(body, empty_receive)).form() as form:
            value = form.get(self.field_name)
        return value if isinstance(value, str) else None

    def _setting_cookie(self, scope: Scope, send: Send, token: str) -> Send:
        """`send`, adding the new token's cookie to the answer (unless the app set it itself)."""
        cookie = cookie_header_value(
            self.cookie_name,
            token,
            max_age=self.cookie_max_age,
            secure=scope.get("scheme") == "https",
            samesite="lax",
        ).encode("latin-1")
        prefix = self.cookie_prefix

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or ()
                if not any(k.lower() == b"set-cookie" and v.startswith(prefix) for k, v in headers):
                    message = {**message, "headers": [*headers, (b"set-cookie", cookie)]}
            await send(message)

        return send_with_cookie

    async def serve_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = (
            self.origin_refusal(scope, Headers(scope=scope))
            if self.check_websocket_origin
            else None
        )
        if refusal is None:
            await self.app(scope, receive, send)
        elif "websocket.http.response" in (scope.get("extensions") or {}):
            await PlainTextResponse(refusal, status_code=403)(scope, receive, send)
        else:
            await send(policy_close(refusal))


__all__ = [
    "CSRF_TOKEN_SCOPE_KEY",
    "SAFE_METHODS",
    "CSRFMiddleware",
    "get_csrf_token",
    "own_origin",
    "parse_origin",
]
