"""OpenTelemetryMiddleware (asgi-middleware, the `[otel]` extra)."""

from asgi_middleware.opentelemetry import (
    OpenTelemetryMiddleware,
)

__all__ = [
    "OpenTelemetryMiddleware",
]
