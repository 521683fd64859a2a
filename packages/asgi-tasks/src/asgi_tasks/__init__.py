"""Background tasks that run after the response is sent."""

from asgi_tasks._tasks import BackgroundTask, BackgroundTasks, is_async_callable

__all__ = ["BackgroundTask", "BackgroundTasks", "is_async_callable"]
