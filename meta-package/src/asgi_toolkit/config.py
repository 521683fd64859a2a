"""Configuration from the environment and .env files (asgi_protocol.config)."""

from asgi_protocol.config import (
    Config,
    Environ,
    EnvironError,
    environ,
    undefined,
)

__all__ = [
    "Config",
    "Environ",
    "EnvironError",
    "environ",
    "undefined",
]
