"""OpenTelemetryMiddleware: one server span per HTTP request, named by its route template.

Needs opentelemetry-api, the `[otel]` extra (this module refuses to import without it). The span
follows OpenTelemetry's HTTP server conventions; its name and `http.route` come from the route
that answered (`GET /users/{username}`, never the raw path, so spans group well), read from
`scope["route"]` once the app is done: no second match, and path rewrites are respected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

try:
    from opentelemetry import metrics, propagate, trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError:
    raise ImportError(
        "OpenTelemetryMiddleware needs opentelemetry-api: pip install 'asgi-middleware[otel]'"
    ) from None

from asgi_protocol.datastructures import URL
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send

_TRACER = ("asgi_middleware", version("asgi-middleware"))
# Set while a request is traced, so a nested OpenTelemetryMiddleware (a mounted app with its
# own) adds no second span, and an excluded URL stays excluded all the way down.
_ACTIVE = "asgi_middleware.opentelemetry"


def route_template(scope: Scope) -> str | None:
    """The template of the route that answered, with the mount prefixes; None if there is none.

    Duck-typed (this package doesn't depend on routing): a mount has `routes` and a
    `path_format`, its template is the root path it set; a route has only `path_format`.
    """
    route = scope.get("route")
    path_format = getattr(route, "path_format", None)
    if not isinstance(path_format, str):
        return None  # no route (a raw app), a host, or a route of the user's own making
    root_path: str = scope.get("root_path", "")
    if hasattr(route, "routes"):  # a mount whose app found nothing deeper to report
        return root_path or "/"
    return root_path.rstrip("/") + path_format or "/"


class OpenTelemetryMiddleware:
    """A SERVER span per HTTP request, its parent taken from the request's trace headers.

    `excluded_urls`: regular expressions searched in the full URL (a comma-separated string or
    a sequence). `tracer_provider`: the global one by default, looked up per request so one
    configured after start-up is used. `meter_provider` is accepted for Starlette compatibility;
    no metrics are recorded yet. A no-op provider costs nothing per request.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        excluded_urls: str | Sequence[str] = (),
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.app = app
        if isinstance(excluded_urls, str):
            excluded_urls = [p.strip() for p in excluded_urls.split(",")] if excluded_urls else []
        self.excluded_urls = tuple(re.compile(pattern) for pattern in excluded_urls)
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get(_ACTIVE):
            await self.app(scope, receive, send)
            return
        scope[_ACTIVE] = True
        try:
            provider = self.tracer_provider or trace.get_tracer_provider()
            url = URL(scope=scope)
            if isinstance(provider, trace.NoOpTracerProvider) or any(
                pattern.search(str(url)) for pattern in self.excluded_urls
            ):
                await self.app(scope, receive, send)
                return
            await self.traced(provider, url, scope, receive, send)
        finally:
            del scope[_ACTIVE]

    async def traced(
        self, provider: trace.TracerProvider, url: URL, scope: Scope, receive: Receive, send: Send
    ) -> None:
        headers: dict[str, list[str]] = {}
        for name, value in scope.get("headers", ()):
            headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        method = scope.get("method", "").upper()
        tracer = provider.get_tracer(*_TRACER)
        with tracer.start_as_current_span(
            method,
            context=propagate.extract(headers),
            kind=SpanKind.SERVER,
            attributes=request_attributes(scope, url, method, headers),
        ) as span:

            async def send_with_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status = message["status"]
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_attribute("error.type", str(status))
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            try:
                await self.app(scope, receive, send_with_status)
            except Exception as exc:
                span.set_attribute("error.type", type(exc).__qualname__)
                raise  # the span records the exception and the error status on its way out
            finally:
                template = route_template(scope)
                if template is not None:
                    span.update_name(f"{method} {template}")
                    span.set_attribute("http.route", template)


def request_attributes(
    scope: Scope, url: URL, method: str, headers: dict[str, list[str]]
) -> dict[str, Any]:
    """The request's side of the HTTP server span conventions: what is known, nothing empty."""
    attributes: dict[str, Any] = {
        "http.request.method": method,
        "url.path": scope.get("path", ""),
        "url.scheme": scope.get("scheme", "http"),
    }
    if scope.get("method", "") != method:
        attributes["http.request.method_original"] = scope["method"]
    if url.query:
        attributes["url.query"] = url.query
    if url.hostname is not None:
        attributes["server.address"] = url.hostname
        server = scope.get("server")
        port = url.port if url.port is not None else server[1] if server else None
        if port is not None:
            attributes["server.port"] = port
    if scope.get("http_version"):
        attributes["network.protocol.version"] = scope["http_version"]
    if scope.get("client"):
        attributes["client.address"] = scope["client"][0]
    if "user-agent" in headers:
        attributes["user_agent.original"] = headers["user-agent"][0]
    return attributes


__all__ = ["OpenTelemetryMiddleware"]
