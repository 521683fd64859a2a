"""Background tasks that run after the response is sent."""

from asgi_tasks._tasks import BackgroundTask, BackgroundTasks

__version__ = "0.1.0"

__all__ = ["BackgroundTask", "BackgroundTasks"]
