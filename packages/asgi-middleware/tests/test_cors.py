from mw_apps import lifespan_app, text_app

from asgi_middleware import CORSMiddleware
from asgi_testclient import TestClient

PREFLIGHT = {"Origin": "https://a.com", "Access-Control-Request-Method": "GET"}
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)


def client(**kwargs: object) -> TestClient:
    return TestClient(CORSMiddleware(text_app(headers=[(b"vary", b"Cookie")]), **kwargs))  # type: ignore[arg-type]


def test_non_cors_request_gets_no_cors_headers_but_varies_on_origin() -> None:
    response = client(allow_origins=["*"]).get("/")
    assert response.text == "hello"
    assert "access-control-allow-origin" not in response.headers
    # A cache must not serve this answer (no Allow-Origin) to a request that has an Origin.
    assert response.headers["vary"] == "Cookie, Origin"


def test_simple_request_wildcard_without_credentials() -> None:
    response = client(allow_origins=["*"], expose_headers=["X-A", "X-B"]).get(
        "/", headers={"Origin": "https://a.com"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == "X-A, X-B"
    assert response.headers["vary"] == "Cookie, Origin"


def test_wildcard_with_credentials_echoes_origin() -> None:
    response = client(allow_origins=["*"], allow_credentials=True).get(
        "/", headers={"Origin": "https://a.com"}
    )
    assert response.headers["access-control-allow-origin"] == "https://a.com"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Cookie, Origin"


def test_simple_request_from_disallowed_origin_has_no_cors_headers() -> None:
    response = client(allow_origins=["https://a.com"]).get("/", headers={"Origin": "https://b.com"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["vary"] == "Cookie, Origin"


def test_origin_regex_fullmatch() -> None:
    c = client(allow_origin_regex=r"https://.*\.a\.com")
    ok = c.get("/", headers={"Origin": "https://x.a.com"})
    assert ok.headers["access-control-allow-origin"] == "https://x.a.com"
    bad = c.get("/", headers={"Origin": "https://x.a.com.evil"})
    assert "access-control-allow-origin" not in bad.headers


def test_null_origin_only_when_listed() -> None:
    listed = client(allow_origins=["null"]).get("/", headers={"Origin": "null"})
    assert listed.headers["access-control-allow-origin"] == "null"
    credentialed = client(allow_origins=["*"], allow_credentials=True).get(
        "/", headers={"Origin": "null"}
    )
    assert "access-control-allow-origin" not in credentialed.headers
    preflight = client(allow_origins=["https://a.com"]).options(
        "/", headers={"Origin": "null", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 400
    assert preflight.text == "Disallowed CORS origin"


def test_preflight_allowed() -> None:
    response = client(
        allow_origins=["https://a.com"], allow_methods=["get", "post"], allow_headers=["X-Token"]
    ).options("/", headers={**PREFLIGHT, "Access-Control-Request-Headers": "x-token, Content-Type"})
    assert response.status_code == 200
    assert response.text == "OK"
    assert response.headers["access-control-allow-origin"] == "https://a.com"
    assert response.headers["access-control-allow-methods"] == "get, post"
    assert response.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
    )
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["vary"] == PREFLIGHT_VARY


def test_preflight_wildcard_everything() -> None:
    response = client(
        allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], max_age=5
    ).options(
        "/",
        headers={
            **PREFLIGHT,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "X-Any",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-headers"] == "X-Any"
    assert response.headers["access-control-max-age"] == "5"
    assert response.headers["vary"] == PREFLIGHT_VARY  # the allowed headers echo the request


def test_preflight_all_headers_none_requested() -> None:
    response = client(allow_origins=["*"], allow_headers=["*"]).options("/", headers=PREFLIGHT)
    assert "access-control-allow-headers" not in response.headers


def test_preflight_rejections() -> None:
    c = client(allow_origins=["https://a.com"], allow_credentials=True)
    method = c.options("/", headers={**PREFLIGHT, "Access-Control-Request-Method": "DELETE"})
    assert (method.status_code, method.text) == (400, "Disallowed CORS method")
    assert method.headers["access-control-allow-credentials"] == "true"
    headers = c.options("/", headers={**PREFLIGHT, "Access-Control-Request-Headers": "X-Secret,"})
    assert (headers.status_code, headers.text) == (400, "Disallowed CORS headers")
    everything = c.options(
        "/",
        headers={
            "Origin": "https://b.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "X",
        },
    )
    assert everything.text == "Disallowed CORS origin, method, headers"
    assert "access-control-allow-origin" not in everything.headers


def test_plain_options_is_not_a_preflight() -> None:
    response = client(allow_origins=["*"]).options("/", headers={"Origin": "https://a.com"})
    assert response.text == "hello"


def test_private_network() -> None:
    headers = {**PREFLIGHT, "Access-Control-Request-Private-Network": "true"}
    allowed = client(allow_origins=["*"], allow_private_network=True).options("/", headers=headers)
    assert allowed.headers["access-control-allow-private-network"] == "true"
    denied = client(allow_origins=["*"]).options("/", headers=headers)
    assert (denied.status_code, denied.text) == (400, "Disallowed CORS private-network")
    assert "access-control-allow-private-network" not in denied.headers


def test_other_scopes_pass_through() -> None:
    with TestClient(CORSMiddleware(lifespan_app, allow_origins=["*"])):
        pass


def test_allowed_headers_once_each_whatever_their_case() -> None:
    response = client(allow_origins=["*"], allow_headers=["content-type", "x-b", "X-A"]).options(
        "/", headers={**PREFLIGHT, "Access-Control-Request-Headers": "X-B, x-a"}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Content-Language, Content-Type, X-A, x-b"
    )


def test_every_existing_vary_line_is_kept() -> None:
    app = text_app(headers=[(b"vary", b"Accept-Encoding"), (b"vary", b"Accept-Language")])
    for kwargs in ({"allow_origins": ["*"]}, {"allow_origins": ["https://a.com"]}):
        response = TestClient(CORSMiddleware(app, **kwargs)).get(  # type: ignore[arg-type]
            "/", headers={"Origin": "https://a.com"}
        )
        assert response.headers["vary"] == "Accept-Encoding, Accept-Language, Origin"


def test_wildcard_methods_refuse_an_unknown_method() -> None:
    response = client(allow_origins=["*"], allow_methods=["*"]).options(
        "/", headers={**PREFLIGHT, "Access-Control-Request-Method": "CUSTOM"}
    )
    assert (response.status_code, response.text) == (400, "Disallowed CORS method")
    assert response.headers["access-control-allow-origin"] == "*"


def test_vary_origin_added_to_an_answer_without_vary() -> None:
    app = CORSMiddleware(text_app(headers=[(b"x-a", b"1")]), allow_origins=["https://a.com"])
    response = TestClient(app).get("/", headers={"Origin": "https://a.com"})
    assert response.headers["vary"] == "Origin"
    assert response.headers["x-a"] == "1"
