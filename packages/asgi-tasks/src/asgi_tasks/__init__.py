"""Background tasks that run after the response is sent."""

# is_async_callable lives in asgi_protocol; it stays importable from here for older imports.
from asgi_protocol.concurrency import is_async_callable
from asgi_tasks._tasks import BackgroundTask, BackgroundTasks

__version__ = "0.1.0"

__all__ = ["BackgroundTask", "BackgroundTasks", "is_async_callable"]
