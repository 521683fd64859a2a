"""Thread pool helpers (asgi_protocol.concurrency)."""

from asgi_protocol.concurrency import (
    iterate_in_threadpool,
    run_in_threadpool,
    run_until_first_complete,
)

__all__ = [
    "iterate_in_threadpool",
    "run_in_threadpool",
    "run_until_first_complete",
]
