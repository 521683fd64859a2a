"""OpenAPI schemas gathered from endpoint docstrings."""

from __future__ import annotations

import sys
from typing import Any
from unittest.mock import ANY

import pytest
import yaml

from asgi_requests import Request
from asgi_responses import JSONResponse, PlainTextResponse, Response
from asgi_routing import Host, HTTPEndpoint, Mount, Route, Router, WebSocketRoute
from asgi_routing.schemas import (
    BaseSchemaGenerator,
    EndpointInfo,
    OpenAPIResponse,
    SchemaGenerator,
)
from asgi_testclient import TestClient

schemas = SchemaGenerator({"openapi": "3.0.0", "info": {"title": "Pets", "version": "1.0"}})


def list_pets(request: Request) -> Response:
    """List every pet.
    ---
    responses:
      200:
        description: The pets.
    """
    return JSONResponse([])  # pragma: no cover - only its docstring is read


def get_pet(request: Request) -> Response:
    """
    parameters:
      - name: pet_id
        in: path
    responses:
      200:
        description: One pet.
    """
    return JSONResponse({})  # pragma: no cover


def undocumented(request: Request) -> Response:
    return PlainTextResponse("")  # pragma: no cover


def prose_only(request: Request) -> Response:
    """Just words, no YAML mapping."""
    return PlainTextResponse("")  # pragma: no cover


class Owner(HTTPEndpoint):
    def get(self, request: Request) -> Response:
        """
        responses:
          200:
            description: The owner.
        """
        return JSONResponse({})  # pragma: no cover

    def delete(self, request: Request) -> Response:
        """
        responses:
          204:
            description: Gone.
        """
        return Response(status_code=204)  # pragma: no cover


def schema_endpoint(request: Request) -> Response:
    return schemas.OpenAPIResponse(request=request)


async def echo(websocket: Any) -> None:  # pragma: no cover - never connected
    pass


routes = [
    Route("/pets", list_pets, methods=["GET", "POST"]),
    Route("/pets/{pet_id:int}", get_pet),
    Route("/undocumented", undocumented),
    Route("/prose", prose_only),
    Route("/hidden", list_pets, include_in_schema=False),
    WebSocketRoute("/ws", echo),
    Mount("/owners/{group:str}", routes=[Route("/{owner_id:int}", Owner)]),
    Mount("/static", app=PlainTextResponse("not a router")),
    Host("api.example.com", app=Router(routes=[Route("/status", list_pets)])),
    Route("/schema", schema_endpoint, include_in_schema=False),
]


class App:
    """The smallest app that `request.app.routes` finds."""

    def __init__(self) -> None:
        self.routes = routes
        self.router = Router(routes=routes)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        scope["app"] = self
        await self.router(scope, receive, send)


def test_paths_come_from_docstrings_of_every_route_kind() -> None:
    schema = schemas.get_schema(routes)
    assert schema["openapi"] == "3.0.0"
    assert schema["info"] == {"title": "Pets", "version": "1.0"}
    paths = schema["paths"]
    assert list(paths) == ["/pets", "/pets/{pet_id}", "/owners/{group}/{owner_id}", "/status"]
    assert paths["/pets"]["get"] == {"responses": {200: {"description": "The pets."}}}
    assert set(paths["/pets"]) == {"get", "post"}  # HEAD is never listed
    assert paths["/pets/{pet_id}"]["get"]["parameters"] == [{"name": "pet_id", "in": "path"}]
    assert set(paths["/owners/{group}/{owner_id}"]) == {"get", "delete"}
    assert paths["/owners/{group}/{owner_id}"]["delete"]["responses"][204] == {
        "description": "Gone."
    }


def test_endpoints_listed_with_their_functions() -> None:
    found = schemas.get_endpoints(routes)
    assert EndpointInfo("/pets", "post", list_pets) in found
    assert EndpointInfo("/owners/{group}/{owner_id}", "get", Owner.get) in found
    assert all(info.path != "/hidden" for info in found)
    assert EndpointInfo("/undocumented", "get", undocumented) in found


def test_base_schema_is_not_changed_and_its_paths_are_kept() -> None:
    base = {"openapi": "3.1.0", "paths": {"/pets": {"summary": "Pets"}}}
    schema = SchemaGenerator(base).get_schema(routes)
    assert schema["paths"]["/pets"]["summary"] == "Pets"
    assert "get" in schema["paths"]["/pets"]
    assert base == {"openapi": "3.1.0", "paths": {"/pets": {"summary": "Pets"}}}


def test_schema_served_as_yaml() -> None:
    response = TestClient(App()).get("/schema")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.oai.openapi"
    assert yaml.safe_load(response.text) == schemas.get_schema(routes)


def test_bad_inputs_are_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError, match="renders a mapping, not list"):
        OpenAPIResponse([1, 2])
    with pytest.raises(NotImplementedError):
        BaseSchemaGenerator().get_schema(routes)
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(RuntimeError, match=r"pip install 'asgi-routing\[schemas\]'"):
        schemas.get_schema(routes)


def search(request: Request) -> Response:
    """
    responses:
      200:
        description: Found.
    """
    return JSONResponse([])  # pragma: no cover


class Catalogue(HTTPEndpoint):
    def query(self, request: Request) -> Response:
        """
        responses:
          200:
            description: Matching items.
        """
        return JSONResponse([])  # pragma: no cover


query_routes = [Route("/search", search, methods=["QUERY"]), Route("/items", Catalogue)]


@pytest.mark.parametrize(
    ("openapi", "listed"),
    [("3.2.0", True), ("3.2", True), ("3.10.1", True), ("3.1.2", False), ("", False)],
)
def test_query_operations_only_from_openapi_3_2(openapi: str, listed: bool) -> None:
    schema = SchemaGenerator({"openapi": openapi}).get_schema(query_routes)
    expected = {"/search": {"query": ANY}, "/items": {"query": ANY}} if listed else {}
    assert schema["paths"] == expected


def test_yaml_keys_are_sorted() -> None:
    text = OpenAPIResponse({"openapi": "3.2.0", "info": {"version": "1", "title": "t"}}).body
    assert text == b"info:\n  title: t\n  version: '1'\nopenapi: 3.2.0\n"
