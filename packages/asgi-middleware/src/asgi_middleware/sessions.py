"""SessionMiddleware: the session as a signed cookie (stdlib hmac, sha256, with a timestamp).

A cookie that is tampered with, truncated, expired, signed with another key or plain garbage
gives an empty session: never an exception. The cookie is only sent when the session changed,
(compared by its serialized form, so a change deep inside a nested value counts too), and a
session too large for browsers to keep raises SessionTooLarge instead of vanishing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Literal

from asgi_protocol.datastructures import MutableHeaders, Secret
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import HTTPConnection

MAX_COOKIE_BYTES = 4096


class SessionTooLarge(ValueError):
    """The signed session cookie would exceed what browsers store (4 KB)."""


class Signer:
    def __init__(self, secret_key: str | Secret) -> None:
        self._key = str(secret_key).encode("utf-8")

    def sign(self, payload: bytes, timestamp: int) -> bytes:
        body = base64.urlsafe_b64encode(payload).rstrip(b"=") + b"." + str(timestamp).encode()
        mac = hmac.new(self._key, body, hashlib.sha256).digest()
        return body + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")

    def unsign(self, value: bytes, max_age: int | None, now: float) -> bytes | None:
        """The payload, or None for anything not signed by us or older than max_age."""
        body, _, signature = value.rpartition(b".")
        encoded, _, timestamp = body.partition(b".")
        expected = base64.urlsafe_b64encode(
            hmac.new(self._key, body, hashlib.sha256).digest()
        ).rstrip(b"=")
        if not body or not hmac.compare_digest(signature, expected) or not timestamp.isdigit():
            return None
        if max_age is not None and now - int(timestamp) > max_age:
            return None
        # Signed with our key, so the payload is our own well-formed base64 of JSON.
        return base64.urlsafe_b64decode(encoded + b"=" * (-len(encoded) % 4))


class SessionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        secret_key: str | Secret,
        session_cookie: str = "session",
        max_age: int | None = 14 * 24 * 60 * 60,
        path: str = "/",
        same_site: Literal["lax", "strict", "none"] = "lax",
        https_only: bool = False,
        domain: str | None = None,
    ) -> None:
        if same_site not in ("lax", "strict", "none"):
            raise ValueError(f"same_site must be 'lax', 'strict' or 'none', not {same_site!r}")
        self.app = app
        self.signer = Signer(secret_key)
        self.session_cookie = session_cookie
        self.max_age = max_age
        attributes = f"path={path}; httponly; samesite={same_site}"
        if https_only:
            attributes += "; secure"
        if domain is not None:
            attributes += f"; domain={domain}"
        self.attributes = attributes
        self.expired_cookie = (
            f"{session_cookie}=null; {attributes}; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0"
        )

    def load(self, scope: Scope) -> dict[str, Any]:
        raw = HTTPConnection(scope).cookies.get(self.session_cookie)
        if raw:
            payload = self.signer.unsign(
                raw.encode("latin-1", "replace"), self.max_age, time.time()
            )
            if payload is not None:
                data = json.loads(payload)
                if isinstance(data, dict):
                    return data
        return {}

    @staticmethod
    def serialize(session: dict[str, Any]) -> bytes:
        return json.dumps(session, separators=(",", ":"), sort_keys=True).encode("utf-8")

    def cookie_value(self, payload: bytes) -> str:
        value = self.signer.sign(payload, int(time.time())).decode("ascii")
        max_age = f"; max-age={self.max_age}" if self.max_age is not None else ""
        header = f"{self.session_cookie}={value}; {self.attributes}{max_age}"
        if len(header) > MAX_COOKIE_BYTES:
            raise SessionTooLarge(
                f"The session cookie would be {len(header)} bytes; browsers keep at most {MAX_COOKIE_BYTES}."
            )
        return header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        session = scope["session"] = self.load(scope)
        original = self.serialize(session) if session else None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]
                if current:
                    payload = self.serialize(current)
                    if payload != original:
                        MutableHeaders(scope=message).append(
                            "set-cookie", self.cookie_value(payload)
                        )
                elif original is not None:  # emptied: tell the browser to drop the cookie
                    MutableHeaders(scope=message).append("set-cookie", self.expired_cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
