"""SessionMiddleware: the session as a signed cookie, in the format Starlette's sessions use, or
in a server-side store with only its id in the cookie.

The cookie is what itsdangerous's TimestampSigner (default settings) makes of the base64 of the
session's JSON, so sessions written by Starlette's SessionMiddleware with the same secret_key
read here unchanged, and ours read there: migrating logs nobody out. The signing is our own
(stdlib hmac), not a dependency.

A cookie that is tampered with, truncated, expired, signed with another key or plain garbage
gives an empty session: never an exception. The cookie is sent when the session was written
to or changed (a change deep inside a nested value counts too, compared by its serialized
form); a session too large for browsers to keep raises SessionTooLarge instead of vanishing.

With `store=` (asgi_middleware.session_stores), the cookie is the same signed format around a
random session id instead of the data, and the data is JSON in the store, written under the same
rules. An id the store doesn't know (expired, revoked, never issued) gives an empty session and
the next write a new id: a client never chooses its id (no session fixation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from typing import Any, Literal

from asgi_middleware.exceptions import SessionTooLarge
from asgi_middleware.session_stores import SESSION_ID, SessionStore, new_session_id, serialize
from asgi_protocol.datastructures import MutableHeaders, Secret
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import HTTPConnection

MAX_COOKIE_BYTES = 4096
# A session id's cookie: 43 characters of id, a timestamp of at most 11, a signature of 27.
MAX_ID_COOKIE = 43 + 1 + 11 + 1 + 27
# With max_age=None the cookie lasts as long as the browser keeps it; the store keeps the data
# as long as the default max_age, 14 days after the last write.
BROWSER_SESSION_TTL = 14 * 24 * 60 * 60

logger = logging.getLogger("asgi_middleware.sessions")


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


class Signer:
    """Signs `value.timestamp.signature` exactly as itsdangerous's TimestampSigner does.

    Its defaults: the key is sha1(b"itsdangerous.Signer" + b"signer" + secret_key), the
    signature HMAC-SHA1 of `value.timestamp`; timestamp and signature are unpadded URL-safe
    base64, the timestamp of the big-endian integer without leading zero bytes.
    """

    _SALT = b"itsdangerous.Signer"

    def __init__(self, secret_key: str | Secret) -> None:
        secret = str(secret_key).encode("utf-8")
        # SHA-1 because the format says so; as a key derivation and inside HMAC it is still sound.
        self._key = hashlib.sha1(self._SALT + b"signer" + secret).digest()  # noqa: S324

    def _signature(self, signed: bytes) -> bytes:
        return _b64(hmac.new(self._key, signed, hashlib.sha1).digest())

    def sign(self, value: bytes, timestamp: int) -> bytes:
        signed = value + b"." + _b64(timestamp.to_bytes(8, "big").lstrip(b"\0"))
        return signed + b"." + self._signature(signed)

    def unsign(self, token: bytes, max_age: int | None, now: float) -> bytes | None:
        """The value, or None for anything not signed with our key, or older than max_age."""
        signed, _, signature = token.rpartition(b".")
        if not hmac.compare_digest(signature, self._signature(signed)):
            return None
        value, dot, stamp = signed.rpartition(b".")
        if not dot or len(stamp) > 11:  # 11 base64 characters hold the 8 bytes of a timestamp
            return None
        try:
            timestamp = int.from_bytes(base64.urlsafe_b64decode(stamp + b"=" * (-len(stamp) % 4)))
        except ValueError:
            return None
        # A timestamp from the future is refused too (as itsdangerous does).
        if max_age is not None and not 0 <= int(now) - timestamp <= max_age:
            return None
        return value


class Session(dict[str, Any]):
    """The session: a dict that notes whether it was read (`accessed`) or written (`modified`).

    `request.session` marks it accessed, so the response says `Vary: Cookie`; every mutating
    method marks it modified (and accessed), so the cookie is sent again.
    """

    accessed = False
    modified = False

    def mark_accessed(self) -> None:
        self.accessed = True

    def mark_modified(self) -> None:
        self.accessed = self.modified = True

    def __setitem__(self, key: str, value: Any) -> None:
        self.mark_modified()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.mark_modified()
        super().__delitem__(key)

    def __ior__(self, other: Any) -> Session:  # type: ignore[override,misc]
        self.mark_modified()
        return super().__ior__(other)

    def clear(self) -> None:
        self.mark_modified()
        super().clear()

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:  # popping a missing key changes nothing
            self.mark_modified()
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()  # an empty session raises KeyError, unchanged
        self.mark_modified()
        return item

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self.mark_modified()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.mark_modified()
        super().update(*args, **kwargs)

    @property
    def id(self) -> str | None:
        """The id the session is stored under: None for a cookie session (it has none)."""
        return None

    def rotate(self) -> None:
        """Give the session a new id, keeping its data: call it at login, against fixation.

        A cookie session has no id: its cookie is only signed again (a new timestamp).
        """
        self.mark_modified()


class StoredSession(Session):
    """A session kept in a store: the cookie carries `id`, the store the data.

    `loaded_id` is the id it was read under (None for a new session); `id` is the one it will
    be written under: the same, a new one after rotate(), or for a new session one made when
    first asked for.
    """

    def __init__(self, data: dict[str, Any] | None = None, loaded_id: str | None = None) -> None:
        super().__init__(data or {})
        self.loaded_id = loaded_id
        self._id = loaded_id

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = new_session_id()
        return self._id

    def rotate(self) -> None:
        """A new id for the same data: the old entry is deleted when the new one is written."""
        self.mark_modified()
        self._id = new_session_id()


def _put_cookie(message: Message, cookie: str | None, session: object) -> None:
    """Put the Set-Cookie (if any) on the answer's start; say it depends on the cookie when it
    sets one or the app read the session."""
    headers = MutableHeaders(scope=message)
    if cookie is not None:
        headers.append("set-cookie", cookie)
    if cookie is not None or getattr(session, "accessed", False):
        headers.add_vary_header("Cookie")  # the answer depends on who asks


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
        partitioned: bool = False,
        store: SessionStore | None = None,
    ) -> None:
        if same_site not in ("lax", "strict", "none"):
            raise ValueError(f"same_site must be 'lax', 'strict' or 'none', not {same_site!r}")
        if partitioned and not https_only:
            raise ValueError(
                "partitioned cookies must be secure (browsers drop them otherwise): "
                "set https_only=True"
            )
        self.app = app
        self.signer = Signer(secret_key)
        self.session_cookie = session_cookie
        self.max_age = max_age
        self.store = store
        self.store_ttl = BROWSER_SESSION_TTL if max_age is None else max_age
        # The attribute order and spelling of Starlette's cookie, for tools that parse it.
        flags = f"httponly; samesite={same_site}"
        if https_only:
            flags += "; secure"
        if domain is not None:
            flags += f"; domain={domain}"
        if partitioned:
            flags += "; partitioned"
        max_age_attribute = f"Max-Age={max_age}; " if max_age is not None else ""
        self.attributes = f"path={path}; {max_age_attribute}{flags}"
        self.path = path  # with security_flags, Starlette's attributes
        self.security_flags = flags
        self.expired_cookie = (
            f"{session_cookie}=null; path={path}; expires=Thu, 01 Jan 1970 00:00:00 GMT; "
            f"Max-Age=0; {flags}"
        )

    def load(self, scope: Scope) -> Session:
        raw = HTTPConnection(scope).cookies.get(self.session_cookie)
        if raw:
            value = self.signer.unsign(raw.encode("utf-8"), self.max_age, time.time())
            if value is not None:
                try:
                    data = json.loads(base64.b64decode(value))
                except ValueError:  # signed with our key by something other than a session
                    return Session()
                if isinstance(data, dict):
                    return Session(data)
        return Session()

    serialize = staticmethod(serialize)

    def changed_payload(self, session: dict[str, Any], original: bytes | None) -> bytes | None:
        """The session's JSON when it must be written again (it changed, or was written to,
        even with the same value), else None."""
        payload = self.serialize(session)
        if payload != original or getattr(session, "modified", False):
            return payload
        return None

    def cookie_value(self, payload: bytes) -> str:
        value = self.signer.sign(base64.b64encode(payload), int(time.time())).decode("ascii")
        header = f"{self.session_cookie}={value}; {self.attributes}"
        if len(header) > MAX_COOKIE_BYTES:
            raise SessionTooLarge(
                f"The session cookie would be {len(header)} bytes; browsers keep at most {MAX_COOKIE_BYTES}."
            )
        return header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.store is not None:
            await self.call_with_store(self.store, scope, receive, send)
            return
        session = scope["session"] = self.load(scope)
        original = self.serialize(session) if session else None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]  # the app may have put another dict there
                cookie: str | None = None
                if current:
                    payload = self.changed_payload(current, original)
                    if payload is not None:
                        cookie = self.cookie_value(payload)
                elif original is not None:  # emptied: tell the browser to drop the cookie
                    cookie = self.expired_cookie
                _put_cookie(message, cookie, current)
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def session_id(self, scope: Scope) -> str | None:
        """The id the cookie carries, if we signed it (within max_age) and it has an id's shape."""
        raw = HTTPConnection(scope).cookies.get(self.session_cookie)
        if not raw or len(raw) > MAX_ID_COOKIE:  # too long to be ours: not even checked
            return None
        value = self.signer.unsign(raw.encode("utf-8"), self.max_age, time.time())
        if value is None:
            return None
        session_id = value.decode("latin-1")
        return session_id if SESSION_ID.fullmatch(session_id) else None

    def id_cookie(self, session_id: str) -> str:
        value = self.signer.sign(session_id.encode("ascii"), int(time.time())).decode("ascii")
        return f"{self.session_cookie}={value}; {self.attributes}"

    async def call_with_store(
        self, store: SessionStore, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """One store read when the cookie carries a valid id, one store write when it changed."""
        cookie_id = self.session_id(scope)
        data = None if cookie_id is None else await store.load(cookie_id)
        loaded = StoredSession(data, cookie_id if data is not None else None)
        scope["session"] = loaded
        original = self.serialize(loaded) if loaded else None
        # A signed id the store doesn't know (expired, revoked): the browser may forget it.
        stale = cookie_id is not None and data is None

        async def save(current: dict[str, Any]) -> str | None:
            """The Set-Cookie the response needs, after writing the session's changes."""
            previous_id = loaded.loaded_id
            if current:
                if self.changed_payload(current, original) is None:
                    return None
                # The app may have put a plain dict in scope["session"]: it keeps the loaded id.
                target = current.id if isinstance(current, StoredSession) else loaded.id
                if await store.save(target, current, self.store_ttl, previous_id):
                    return self.id_cookie(target)
                logger.info("a session was revoked during a request that changed it: not saved")
                return self.expired_cookie
            if previous_id is not None:  # emptied (a logout): the entry goes, and the cookie
                await store.revoke(previous_id)
                return self.expired_cookie
            return self.expired_cookie if stale else None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]
                _put_cookie(message, await save(current), current)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


__all__ = [
    "BROWSER_SESSION_TTL",
    "Session",
    "SessionMiddleware",
    "Signer",
    "StoredSession",
]
