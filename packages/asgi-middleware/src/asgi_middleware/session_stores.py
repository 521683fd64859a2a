"""Where server-side sessions live: the SessionStore protocol and MemorySessionStore.

With a store, SessionMiddleware's cookie carries only a random session id; the data is JSON in
the store, under that id, for `ttl` seconds after its last write. A store can keep an index of
the sessions that hold the same value under `index_key` (a user id), so that one call revokes
them all ("log out everywhere"). RedisSessionStore (asgi_middleware.sessions_redis) follows the
same protocol across processes.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

# 32 random bytes (256 bits) from `secrets`, as 43 URL-safe base64 characters.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")

Clock = Callable[[], float]


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def serialize(data: Mapping[str, Any]) -> bytes:
    """The session as compact JSON (a value JSON cannot hold raises TypeError)."""
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def deserialize(payload: bytes | str) -> dict[str, Any] | None:
    """The session a stored payload holds, or None for anything that is not a JSON object."""
    try:
        data = json.loads(payload)
    except ValueError:  # not JSON, or not UTF-8
        return None
    return data if isinstance(data, dict) else None


def owner_of(data: Mapping[str, Any], index_key: str | None) -> str | None:
    """The index entry a session belongs to: its `index_key` value as a string, or None.

    Only a str or an int is an owner (42 and "42" are the same one); a missing key or None is
    no owner; anything else is a mistake the app should hear about.
    """
    if index_key is None:
        return None
    value = data.get(index_key)
    if value is None:
        return None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise TypeError(
        f"session[{index_key!r}] indexes the session, so it must be a str or an int, "
        f"not {type(value).__name__}"
    )


class SessionStore(Protocol):
    """Sessions by id, each expiring `ttl` seconds after its last write.

    Every method raises SessionStoreError when the store cannot answer (Redis down).
    """

    async def load(self, session_id: str) -> dict[str, Any] | None:
        """The session stored under `session_id`, or None (unknown, expired, revoked, corrupt)."""
        ...  # pragma: no cover - a protocol

    async def save(
        self, session_id: str, data: Mapping[str, Any], ttl: int, previous_id: str | None
    ) -> bool:
        """Store `data` under `session_id` for `ttl` seconds, in one atomic step.

        `previous_id` is the id the session was loaded under (None for a new session); when it
        differs from `session_id` (a rotation) its entry goes. When that entry is gone (revoked
        or expired during the request) nothing is written and the answer is False: a revocation
        wins over a request that was in flight.
        """
        ...  # pragma: no cover - a protocol

    async def revoke(self, session_id: str) -> None:
        """Delete the session (a logout); an unknown id is no error."""
        ...  # pragma: no cover - a protocol

    async def revoke_user(self, value: str | int) -> int:
        """Delete every session whose `index_key` holds `value`; return how many went."""
        ...  # pragma: no cover - a protocol


class _Entry(NamedTuple):
    expires: float
    payload: bytes
    owner: str | None


class MemorySessionStore:
    """Sessions in a dict, for one process (tests, development); at most `max_sessions`.

    The data is kept as JSON, as Redis would keep it, so what works here works there. When full,
    expired sessions go first, then the least recently written one (its user is logged out: a
    flood of new sessions costs a login, never memory).
    """

    def __init__(
        self,
        *,
        index_key: str | None = None,
        max_sessions: int = 100_000,
        clock: Clock = time.monotonic,
    ) -> None:
        if max_sessions < 1:
            raise ValueError(f"max_sessions must be at least 1, not {max_sessions!r}")
        self.index_key = index_key
        self.max_sessions = max_sessions
        self.clock = clock
        # id -> entry, least recently written first.
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.owners: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def _live(self, session_id: str) -> _Entry | None:
        entry = self.entries.get(session_id)
        if entry is not None and entry.expires <= self.clock():
            self._drop(session_id)
            return None
        return entry

    def _drop(self, session_id: str) -> None:
        entry = self.entries.pop(session_id, None)
        if entry is not None and entry.owner is not None:
            sessions = self.owners[entry.owner]
            sessions.discard(session_id)
            if not sessions:
                del self.owners[entry.owner]

    async def load(self, session_id: str) -> dict[str, Any] | None:
        entry = self._live(session_id)
        return None if entry is None else deserialize(entry.payload)

    async def save(
        self, session_id: str, data: Mapping[str, Any], ttl: int, previous_id: str | None
    ) -> bool:
        payload = serialize(data)
        owner = owner_of(data, self.index_key)
        if previous_id is not None:
            if self._live(previous_id) is None:
                return False
            self._drop(previous_id)
        self._drop(session_id)
        self._make_room()
        self.entries[session_id] = _Entry(self.clock() + ttl, payload, owner)
        if owner is not None:
            self.owners.setdefault(owner, set()).add(session_id)
        return True

    def _make_room(self) -> None:
        """Drop expired sessions at the old end, and the oldest live one when full."""
        now = self.clock()
        while self.entries:
            oldest_id, oldest = next(iter(self.entries.items()))
            if len(self.entries) < self.max_sessions and oldest.expires > now:
                return
            self._drop(oldest_id)

    async def revoke(self, session_id: str) -> None:
        self._drop(session_id)

    async def revoke_user(self, value: str | int) -> int:
        now = self.clock()
        revoked = 0
        for session_id in self.owners.pop(str(value), set()):
            revoked += self.entries.pop(session_id).expires > now  # an expired one isn't counted
        return revoked


__all__ = ["SESSION_ID", "MemorySessionStore", "SessionStore", "new_session_id", "owner_of"]
