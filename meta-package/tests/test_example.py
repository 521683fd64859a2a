"""The example app (examples/app.py) end to end through the test client."""

import hashlib
import importlib.util
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from asgi_testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_app", ROOT / "examples" / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["example_app"] = module
    spec.loader.exec_module(module)
    return module


example = load_example()


@pytest.fixture
def client(caplog: pytest.LogCaptureFixture) -> Iterator[TestClient]:
    with caplog.at_level(logging.INFO, logger="examples.app"), TestClient(example.app) as c:
        yield c


def test_startup_and_shutdown_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="examples.app"), TestClient(example.app):
        assert "ready: 10 routes" in caplog.text
        assert "debug page off (EXAMPLE_DEBUG=1 turns it on)" in caplog.text
        assert "/graphql (GraphiQL)" in caplog.text
        assert "stopped" not in caplog.text
    assert caplog.messages[-1] == "stopped"


def test_example_debug_switch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("EXAMPLE_DEBUG", "1")
    debug_example = load_example()
    assert debug_example.app.debug is True
    with caplog.at_level(logging.INFO, logger="examples.app"), TestClient(debug_example.app):
        assert "debug page ON" in caplog.text


def test_home_redirects_to_the_static_index(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.url == "http://testserver/static/index.html"
    assert "asgi-toolkit example" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_static_css(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "font-family" in response.text
    assert client.get("/static/../app.py").status_code == 404


def test_json_routes(client: TestClient) -> None:
    assert client.get("/api/hello/world").json() == {"hello": "world"}
    assert client.get("/api/items/2").json() == {"id": 2, "name": "teapot"}
    missing = client.get("/api/items/99")
    assert (missing.status_code, missing.text) == (404, "No item 99")
    assert client.get("/api/items/abc").status_code == 404


def test_upload(client: TestClient) -> None:
    data = b"some file content\n" * 100
    response = client.post(
        "/upload",
        files={"file": ("notes.txt", data, "text/plain")},
        data={"note": "hi"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "filename": "notes.txt",
        "content_type": "text/plain",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "note": "hi",
    }


def test_upload_without_file(client: TestClient) -> None:
    response = client.post("/upload", data={"note": "no file"})
    assert response.status_code == 400
    assert "named 'file'" in response.text


def test_background_task_runs_after_response(client: TestClient) -> None:
    response = client.post("/signup", json={"email": "ada@example.org"})
    assert response.status_code == 202
    assert response.json() == {"queued": "ada@example.org"}
    assert client.get("/signups").json() == {"signups": ["ada@example.org"]}


def test_signup_rejects_bad_input(client: TestClient) -> None:
    assert client.post("/signup", data=b"{not json").status_code == 400
    bad_email = client.post("/signup", json={"email": "nope"})
    assert bad_email.status_code == 400
    assert "valid address" in bad_email.text
    assert client.post("/signup", json=["x"]).status_code == 400


def test_websocket_echo(client: TestClient) -> None:
    with client.websocket_connect("/ws") as session:
        session.send_text("ping")
        assert session.receive_text() == "echo: ping"
        session.send_text("pong")
        assert session.receive_text() == "echo: pong"


def test_graphql_query(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={
            "query": "query($n: String){ hello(name: $n) item(id: 1) }",
            "variables": {"n": "Ada"},
        },
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hello Ada", "item": "kettle"}}
    get = client.get("/graphql", params={"query": "{ hello }"})
    assert get.json() == {"data": {"hello": "Hello stranger"}}


def test_graphql_bad_query(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ nope }"})
    assert response.status_code == 400
    assert "errors" in response.json()


def test_gzip_on_large_responses(client: TestClient) -> None:
    response = client.get("/static/index.html", headers={"accept-encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"


def test_ticks_are_events_and_bad_counts_a_400(client: TestClient) -> None:
    response = client.get("/api/ticks?n=1", headers={"X-Request-ID": "t-1"})
    assert response.headers["x-request-id"] == "t-1"
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.text == "event: tick\nid: 1\ndata: 1\n\n"
    for query, reason in [
        ("n=0", "n must be between 1 and 60"),
        ("n=x", "n must be a whole number"),
    ]:
        refused = client.get(f"/api/ticks?{query}")
        assert (refused.status_code, refused.text) == (400, reason)


def test_log_lines_name_the_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    client.post("/signup", json={"email": "a@b.c"}, headers={"X-Request-ID": "signup-1"})
    (line,) = [r for r in caplog.records if r.getMessage() == "recorded signup of a@b.c"]
    assert getattr(line, "request_id", None) == "signup-1"
