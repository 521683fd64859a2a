"""The ASGI lifespan protocol for any app: startup and shutdown, lifespan context managers.

Both sides of the protocol live here, once: `LifespanRunner` answers lifespan scopes for an app
(`Lifespan` wraps any app with one; the router and the toolkit's `App` use it too), and
`LifespanDriver` sends them (`LifespanManager` and the test client use it). `AppTasks` is the
app-scoped task group drained at shutdown; `ShutdownSignal` the event set as soon as the server
lets the app know it stops (in the lifespan state as "shutdown"). `NestedLifespans` runs the
lifespans of the apps a router mounts inside its own; `mounted_state()` builds a request's state
under such a mount.
"""

from asgi_lifetime._driver import LifespanDriver
from asgi_lifetime._lifespan import Lifespan
from asgi_lifetime._manager import LifespanManager
from asgi_lifetime._mounted_state import MountedState, mounted_state
from asgi_lifetime._nested import NestedApp, NestedLifespans
from asgi_lifetime._runner import LifespanFactory, LifespanRunner
from asgi_lifetime._shutdown import ShutdownSignal, ShutdownSignalMiddleware
from asgi_lifetime._tasks import AppTasks
from asgi_lifetime.exceptions import (
    InvalidLifespan,
    LifespanError,
    LifespanNotSupported,
    LifespanProtocolError,
    LifespanShutdownFailed,
    LifespanStartupFailed,
)
from asgi_protocol.datastructures import SHUTDOWN_STATE_KEY, TASKS_STATE_KEY

__version__ = "0.1.0"

__all__ = [
    "SHUTDOWN_STATE_KEY",
    "TASKS_STATE_KEY",
    "AppTasks",
    "InvalidLifespan",
    "Lifespan",
    "LifespanDriver",
    "LifespanError",
    "LifespanFactory",
    "LifespanManager",
    "LifespanNotSupported",
    "LifespanProtocolError",
    "LifespanRunner",
    "LifespanShutdownFailed",
    "LifespanStartupFailed",
    "MountedState",
    "NestedApp",
    "NestedLifespans",
    "ShutdownSignal",
    "ShutdownSignalMiddleware",
    "mounted_state",
]
