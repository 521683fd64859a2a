"""Hostile JSON bodies: each is refused with 400 "Invalid JSON body" (or handled), never a 500."""

from __future__ import annotations

import time

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse
from asgi_toolkit.routing import Route


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"value": await request.json()})


async def kind(request: Request) -> JSONResponse:
    return JSONResponse({"type": type(await request.json()).__name__})


@pytest.fixture
def client() -> TestClient:
    app = App(
        routes=[Route("/echo", echo, methods=["POST"]), Route("/kind", kind, methods=["POST"])]
    )
    return TestClient(app, raise_server_exceptions=False)


def post(client: TestClient, path: str, body: bytes) -> tuple[int, str]:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    return response.status_code, response.text


def test_sanity_valid_json(client: TestClient) -> None:
    assert post(client, "/echo", b'{"a": [1, 2]}') == (200, '{"value":{"a":[1,2]}}')


def test_deeply_nested_arrays_are_a_client_error(client: TestClient) -> None:
    start = time.perf_counter()
    status, text = post(client, "/kind", b"[" * 100_000 + b"]" * 100_000)
    assert time.perf_counter() - start < 2
    assert status == 400, text


def test_deeply_nested_objects_are_a_client_error(client: TestClient) -> None:
    status, text = post(client, "/kind", b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
    assert status == 400, text


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"[1, NaN]"])
def test_nan_and_infinity_are_not_json(client: TestClient, literal: bytes) -> None:
    # RFC 8259 has no NaN/Infinity; our JSONResponse refuses to emit them, so accepting them
    # on input would make a plain echo endpoint fail with a 500.
    status, text = post(client, "/echo", literal)
    assert status == 400, text


def test_huge_integer_is_a_client_error_not_a_500(client: TestClient) -> None:
    start = time.perf_counter()
    status, text = post(client, "/kind", b"1" * 100_000)
    assert time.perf_counter() - start < 2
    assert status == 400, text


def test_huge_float_exponent_is_handled(client: TestClient) -> None:
    status, text = post(client, "/kind", b"1e999999")
    # json.loads turns this into inf: a float in, so the endpoint sees a float; never a 500.
    assert status in (200, 400), text


@pytest.mark.parametrize("body", [b'"\xff\xfe"', b"\xff\xfe[]", b'{"a": "\xc0\xae"}'])
def test_invalid_utf8_is_a_client_error(client: TestClient, body: bytes) -> None:
    status, text = post(client, "/kind", body)
    assert status == 400
    assert "Invalid JSON body" in text


def test_truncated_json_is_a_client_error(client: TestClient) -> None:
    assert post(client, "/kind", b'{"a": [1, 2')[0] == 400
