"""Every Starlette module name imports from asgi_toolkit and exposes the expected names."""

import importlib

import pytest

import asgi_graphql
import asgi_lifetime
import asgi_middleware
import asgi_middleware.base
import asgi_middleware.body_limit
import asgi_middleware.csrf
import asgi_middleware.gzip
import asgi_middleware.opentelemetry
import asgi_middleware.ratelimit
import asgi_middleware.requestid
import asgi_middleware.timeout
import asgi_protocol.concurrency
import asgi_protocol.config
import asgi_protocol.datastructures
import asgi_protocol.exceptions
import asgi_protocol.status
import asgi_protocol.types
import asgi_requests
import asgi_requests.formparsers
import asgi_responses
import asgi_responses.templating
import asgi_routing
import asgi_routing.convertors
import asgi_routing.schemas
import asgi_staticfiles
import asgi_tasks
import asgi_testclient
import asgi_toolkit
import asgi_websockets
from asgi_protocol.exceptions import ToolkitDeprecationWarning

EXPECTED = {
    "applications": ({"App"}, None),
    "requests": (
        {"HTTPConnection", "Request", "ClientDisconnect", "BodyTooLarge", "FormError"},
        asgi_requests,
    ),
    "formparsers": (
        {"FormParser", "MultiPartParser", "MultiPartException", "FormMessage"},
        asgi_requests.formparsers,
    ),
    "responses": (
        {
            "Response",
            "PlainTextResponse",
            "HTMLResponse",
            "JSONResponse",
            "UJSONResponse",
            "RedirectResponse",
            "StreamingResponse",
            "FileResponse",
        },
        asgi_responses,
    ),
    "routing": (
        {
            "Router",
            "Route",
            "WebSocketRoute",
            "Mount",
            "Host",
            "NoMatchFound",
            "BaseRoute",
            "Match",
            "request_response",
            "websocket_session",
            "compile_path",
            "get_route_path",
        },
        asgi_routing,
    ),
    "websockets": (
        {"WebSocket", "WebSocketState", "WebSocketDisconnect", "WebSocketClose"},
        asgi_websockets,
    ),
    "background": ({"BackgroundTask", "BackgroundTasks"}, asgi_tasks),
    "datastructures": (
        {
            "URL",
            "URLPath",
            "Headers",
            "MutableHeaders",
            "ImmutableMultiDict",
            "MultiDict",
            "QueryParams",
            "FormData",
            "UploadFile",
            "State",
            "Address",
            "Secret",
            "CommaSeparatedStrings",
        },
        asgi_protocol.datastructures,
    ),
    "exceptions": (
        {"HTTPException", "WebSocketException", "WebSocketDisconnect"},
        asgi_protocol.exceptions,
    ),
    "types": (
        {"ASGIApp", "Scope", "Message", "Receive", "Send", "Lifespan", "ExceptionHandler"},
        asgi_protocol.types,
    ),
    "concurrency": (
        {
            "run_in_threadpool",
            "iterate_in_threadpool",
            "run_until_first_complete",
            "is_async_callable",
        },
        asgi_protocol.concurrency,
    ),
    "config": ({"Config", "Environ", "EnvironError", "environ", "undefined"}, asgi_protocol.config),
    "endpoints": ({"HTTPEndpoint", "WebSocketEndpoint"}, asgi_routing),
    "convertors": (
        {
            "Convertor",
            "StringConvertor",
            "PathConvertor",
            "IntegerConvertor",
            "FloatConvertor",
            "UUIDConvertor",
            "PathParamError",
            "CONVERTOR_TYPES",
            "register_url_convertor",
        },
        asgi_routing.convertors,
    ),
    "staticfiles": ({"StaticFiles"}, asgi_staticfiles),
    "schemas": (
        {"BaseSchemaGenerator", "EndpointInfo", "OpenAPIResponse", "SchemaGenerator"},
        asgi_routing.schemas,
    ),
    "templating": ({"Jinja2Templates", "TemplateResponse"}, asgi_responses.templating),
    "testclient": (
        {"ASGIInstance", "TestClient", "WebSocketDenialResponse", "WebSocketTestSession"},
        asgi_testclient,
    ),
    "graphql": ({"GraphQLApp"}, asgi_graphql),
    "middleware": ({"Middleware", "MiddlewareFactory"}, asgi_middleware),
    "middleware.cors": ({"CORSMiddleware"}, asgi_middleware),
    "middleware.authentication": ({"AuthenticationMiddleware"}, asgi_middleware),
    "authentication": (
        {
            "AuthCredentials",
            "AuthenticationBackend",
            "AuthenticationError",
            "BaseUser",
            "SimpleUser",
            "UnauthenticatedUser",
            "has_required_scope",
            "requires",
        },
        asgi_middleware,
    ),
    "middleware.gzip": (
        {"GZipMiddleware", "GZipResponder", "IdentityResponder", "DEFAULT_EXCLUDED_CONTENT_TYPES"},
        asgi_middleware.gzip,
    ),
    "middleware.trustedhost": ({"TrustedHostMiddleware"}, asgi_middleware),
    "middleware.httpsredirect": ({"HTTPSRedirectMiddleware"}, asgi_middleware),
    "middleware.sessions": (
        {
            "MemorySessionStore",
            "Session",
            "SessionMiddleware",
            "SessionStore",
            "SessionStoreError",
            "SessionTooLarge",
        },
        asgi_middleware,
    ),
    "middleware.errors": ({"ServerErrorMiddleware"}, asgi_middleware),
    "middleware.exceptions": ({"ExceptionMiddleware"}, asgi_middleware),
    "middleware.base": (
        {"BaseHTTPMiddleware", "DispatchFunction", "RequestResponseEndpoint"},
        asgi_middleware.base,
    ),
    "middleware.body_limit": (
        {"RequestBodyLimitMiddleware", "MAX_BODY_SIZE_SCOPE_KEY"},
        asgi_middleware.body_limit,
    ),
    "middleware.compression": ({"CompressionMiddleware"}, asgi_middleware),
    "middleware.proxyheaders": ({"ProxyHeadersMiddleware"}, asgi_middleware),
    "middleware.opentelemetry": ({"OpenTelemetryMiddleware"}, asgi_middleware.opentelemetry),
    "middleware.ratelimit": (
        {"MemoryStore", "RateLimitMiddleware", "RateLimitStore", "client_address"},
        asgi_middleware.ratelimit,
    ),
    "middleware.requestid": (
        {"RequestIdMiddleware", "RequestIdFilter", "current_request_id", "REQUEST_ID_SCOPE_KEY"},
        asgi_middleware.requestid,
    ),
    "middleware.csrf": (
        {"CSRFMiddleware", "get_csrf_token", "CSRF_TOKEN_SCOPE_KEY"},
        asgi_middleware.csrf,
    ),
    "middleware.timeout": (
        {"TimeoutMiddleware", "TIMEOUT_SCOPE_KEY"},
        asgi_middleware.timeout,
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_module_exposes_names(name: str) -> None:
    module = importlib.import_module(f"asgi_toolkit.{name}")
    names, source = EXPECTED[name]
    assert names <= set(module.__all__), names - set(module.__all__)
    for public in module.__all__:
        value = getattr(module, public)
        if source is not None and getattr(value, "__module__", None) != module.__name__:
            # A re-export, not a copy: the very object the sibling package defines (the
            # meta-package's own, the App's AlreadyStarted, is defined where it is exported).
            home = asgi_protocol.datastructures if public == "State" else source
            assert value is getattr(home, public)


def test_formparsers_is_the_parsers_module_itself() -> None:
    import asgi_toolkit.formparsers

    # So that patching a name of asgi_toolkit.formparsers reaches the parsers' code.
    assert asgi_toolkit.formparsers is asgi_requests.formparsers


def test_state_is_importable_from_requests_too() -> None:
    from asgi_toolkit.requests import State

    assert State is asgi_protocol.datastructures.State


def test_deprecated_wsgi_module_reexports_with_its_warning() -> None:
    import warnings

    from asgi_protocol.exceptions import ToolkitDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ToolkitDeprecationWarning)  # checked in asgi-middleware
        from asgi_middleware import wsgi as source
        from asgi_toolkit.middleware import wsgi
    assert set(wsgi.__all__) == {"WSGIMiddleware", "build_environ"}
    assert wsgi.WSGIMiddleware is source.WSGIMiddleware
    assert wsgi.build_environ is source.build_environ


def test_status_reexports_every_constant() -> None:
    from asgi_toolkit import status

    constants = {n for n in vars(asgi_protocol.status) if n.startswith(("HTTP_", "WS_"))}
    assert constants
    assert constants == set(status.__all__)
    assert status.HTTP_404_NOT_FOUND == 404
    assert status.WS_1000_NORMAL_CLOSURE == 1000
    assert dir(status) == dir(asgi_protocol.status)


def test_status_old_names_warn_here_too() -> None:
    from asgi_toolkit import status

    with pytest.warns(ToolkitDeprecationWarning, match="Use 'HTTP_414_URI_TOO_LONG'") as record:
        assert status.HTTP_414_REQUEST_URI_TOO_LONG == 414
    assert record[0].filename == __file__
    with pytest.raises(AttributeError, match="module 'asgi_toolkit.status' has no attribute 'X'"):
        getattr(status, "X")  # noqa: B009 - the name is unknown on purpose


def test_top_level_names() -> None:
    for public in asgi_toolkit.__all__:
        assert getattr(asgi_toolkit, public) is not None
    assert asgi_toolkit.Route is asgi_routing.Route
    assert asgi_toolkit.Request is asgi_requests.Request
    assert asgi_toolkit.JSONResponse is asgi_responses.JSONResponse
    assert asgi_toolkit.App.__module__ == "asgi_toolkit.applications"


def test_lifetime_is_what_app_uses() -> None:
    assert asgi_toolkit.App().tasks.__class__ is asgi_lifetime.AppTasks
