"""Publish/subscribe across processes, so WebSocket messages reach every worker."""

from asgi_broadcast._backends import BroadcastBackend, MemoryBackend, RedisBackend
from asgi_broadcast._broadcast import Broadcast, Subscriber
from asgi_broadcast._event import Event

__version__ = "0.1.0"

__all__ = [
    "Broadcast",
    "BroadcastBackend",
    "Event",
    "MemoryBackend",
    "RedisBackend",
    "Subscriber",
]
