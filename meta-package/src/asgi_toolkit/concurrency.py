"""Thread pool helpers (asgi_protocol.concurrency)."""

from asgi_protocol.concurrency import (
    is_async_callable,
    iterate_in_threadpool,
    open_in_threadpool,
    run_in_threadpool,
    run_until_first_complete,
)

__all__ = [
    "is_async_callable",
    "iterate_in_threadpool",
    "open_in_threadpool",
    "run_in_threadpool",
    "run_until_first_complete",
]
