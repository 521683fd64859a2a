"""Background tasks run after the response (asgi-tasks)."""

from asgi_tasks import (
    BackgroundTask,
    BackgroundTasks,
)

__all__ = [
    "BackgroundTask",
    "BackgroundTasks",
]
