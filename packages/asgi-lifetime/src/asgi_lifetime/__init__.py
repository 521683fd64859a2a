"""The ASGI lifespan protocol for any app: startup and shutdown, lifespan context managers.

`Lifespan` wraps an app to answer lifespan scopes; `LifespanManager` drives an app's lifespan
from a test; `AppTasks` is the app-scoped task group drained at shutdown.
"""

from asgi_lifetime._lifespan import TASKS_STATE_KEY, Lifespan
from asgi_lifetime._manager import (
    LifespanError,
    LifespanManager,
    LifespanNotSupported,
    LifespanShutdownFailed,
    LifespanStartupFailed,
)
from asgi_lifetime._tasks import AppTasks

__all__ = [
    "TASKS_STATE_KEY",
    "AppTasks",
    "Lifespan",
    "LifespanError",
    "LifespanManager",
    "LifespanNotSupported",
    "LifespanShutdownFailed",
    "LifespanStartupFailed",
]
