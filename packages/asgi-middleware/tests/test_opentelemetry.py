"""OpenTelemetryMiddleware, checked with the SDK's in-memory exporter."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from mw_apps import run, text_app
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from asgi_middleware.opentelemetry import OpenTelemetryMiddleware, route_template
from asgi_testclient import TestClient


class Route:
    """What the router leaves in scope["route"]: a route has a path template."""

    routes: Any

    def __init__(self, path_format: str) -> None:
        self.path_format = path_format


class Mount(Route):
    """A mount also has routes; its template is the root path it set."""

    routes: list[Any] = []


class Host:
    """A host has routes but no path template."""

    routes: list[Any] = []


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    found = InMemorySpanExporter()
    yield found
    found.clear()


def provider_for(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def routed(route: Any, root_path: str = "", status: int = 200) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        scope["route"] = route
        scope["root_path"] = root_path
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = exporter.get_finished_spans()
    return span


def test_span_named_by_the_route_template(exporter: InMemorySpanExporter) -> None:
    app = OpenTelemetryMiddleware(
        routed(Route("/users/{name}")), tracer_provider=provider_for(exporter)
    )
    response = TestClient(app).get("/users/ada?x=1", headers={"user-agent": "t"})
    assert response.status_code == 200
    span = only_span(exporter)
    assert (span.name, span.kind) == ("GET /users/{name}", SpanKind.SERVER)
    assert span.attributes == {
        "http.request.method": "GET",
        "url.path": "/users/ada",
        "url.scheme": "http",
        "url.query": "x=1",
        "server.address": "testserver",
        "server.port": 80,
        "network.protocol.version": "1.1",
        "client.address": "testclient",
        "user_agent.original": "t",
        "http.response.status_code": 200,
        "http.route": "/users/{name}",
    }
    assert span.status.status_code == StatusCode.UNSET


@pytest.mark.parametrize(
    ("route", "root_path", "template"),
    [
        (Route("/users/{name}"), "/api/", "/api/users/{name}"),
        (Route(""), "", "/"),
        (Mount("/api/{path}"), "/api", "/api"),
        (Mount("/{path}"), "", "/"),
        (Host(), "", None),
        (None, "", None),
    ],
)
def test_route_template(route: Any, root_path: str, template: str | None) -> None:
    assert route_template({"route": route, "root_path": root_path}) == template


def test_server_errors_mark_the_span(exporter: InMemorySpanExporter) -> None:
    provider = provider_for(exporter)
    TestClient(OpenTelemetryMiddleware(routed(None, status=503), tracer_provider=provider)).get("/")
    span = only_span(exporter)
    assert span.name == "GET"
    assert span.attributes is not None
    assert span.attributes["error.type"] == "503"
    assert span.status.status_code == StatusCode.ERROR
    exporter.clear()

    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        TestClient(OpenTelemetryMiddleware(failing, tracer_provider=provider)).get("/")
    span = only_span(exporter)
    assert span.attributes is not None
    assert span.attributes["error.type"] == "KeyError"
    assert span.status.status_code == StatusCode.ERROR
    assert [event.name for event in span.events] == ["exception"]


def test_remote_parent_is_continued(exporter: InMemorySpanExporter) -> None:
    app = OpenTelemetryMiddleware(text_app(), tracer_provider=provider_for(exporter))
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    TestClient(app).get("/", headers={"traceparent": parent})
    span = only_span(exporter)
    assert span.parent is not None
    assert span.parent.is_remote
    assert span.parent.span_id == int("b7ad6b7169203331", 16)


def test_excluded_urls_nesting_and_other_scopes(exporter: InMemorySpanExporter) -> None:
    provider = provider_for(exporter)
    inner = OpenTelemetryMiddleware(text_app(), tracer_provider=provider)
    app = OpenTelemetryMiddleware(
        inner, excluded_urls="/health$, /metrics$", tracer_provider=provider
    )
    client = TestClient(app)
    client.get("/health")
    client.get("/metrics")
    assert exporter.get_finished_spans() == ()  # the inner middleware doesn't trace them either
    client.get("/")
    assert only_span(exporter).name == "GET"  # one span, not one per middleware
    listed = OpenTelemetryMiddleware(text_app(), excluded_urls=[r"\?q"], tracer_provider=provider)
    assert [p.pattern for p in listed.excluded_urls] == [r"\?q"]
    assert OpenTelemetryMiddleware(text_app(), excluded_urls="").excluded_urls == ()

    async def lifespan(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "lifespan"

    run(OpenTelemetryMiddleware(lifespan, tracer_provider=provider), {"type": "lifespan"})


def test_odd_scopes(exporter: InMemorySpanExporter) -> None:
    app = OpenTelemetryMiddleware(text_app(), tracer_provider=provider_for(exporter))
    scope = {"type": "http", "method": "get", "server": ("example.com", 8000), "headers": []}
    run(app, scope)
    attributes = only_span(exporter).attributes
    assert attributes is not None
    assert attributes["http.request.method_original"] == "get"
    assert attributes["server.port"] == 8000
    assert "network.protocol.version" not in attributes
    exporter.clear()
    run(app, {**scope, "server": None})
    attributes = only_span(exporter).attributes
    assert attributes is not None
    assert "server.address" not in attributes
    exporter.clear()
    run(app, {**scope, "server": None, "headers": [(b"host", b"example.com")]})
    attributes = only_span(exporter).attributes
    assert attributes is not None
    assert attributes["server.address"] == "example.com"
    assert "server.port" not in attributes  # no port known: none made up


def test_the_global_provider_is_read_per_request(
    exporter: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = OpenTelemetryMiddleware(text_app())
    monkeypatch.setattr(trace, "get_tracer_provider", trace.NoOpTracerProvider)
    assert TestClient(app).get("/").text == "hello"  # no-op: passed straight through
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider_for(exporter))
    TestClient(app).get("/")
    assert only_span(exporter).name == "GET"


def test_without_opentelemetry_the_import_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "opentelemetry" or n.startswith("opentelemetry.")]:
        monkeypatch.setitem(sys.modules, name, None)  # type: ignore[arg-type]
    monkeypatch.delitem(sys.modules, "asgi_middleware.opentelemetry")
    with pytest.raises(ImportError, match=r"pip install 'asgi-middleware\[otel\]'"):
        importlib.import_module("asgi_middleware.opentelemetry")
