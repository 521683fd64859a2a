"""An App serving its own OpenAPI schema, as Starlette's docs show it."""

from __future__ import annotations

import yaml

from asgi_testclient import TestClient
from asgi_toolkit import App, JSONResponse, Request, Response, Route
from asgi_toolkit.schemas import SchemaGenerator

schemas = SchemaGenerator({"openapi": "3.0.0", "info": {"title": "Users", "version": "1.0"}})


async def list_users(request: Request) -> Response:
    """
    responses:
      200:
        description: A list of users.
    """
    return JSONResponse([{"name": "ada"}])


async def openapi_schema(request: Request) -> Response:
    return schemas.OpenAPIResponse(request=request)


app = App(
    routes=[
        Route("/users", list_users, methods=["GET"]),
        Route("/schema", openapi_schema, include_in_schema=False),
    ]
)


def test_the_app_serves_its_schema() -> None:
    client = TestClient(app)
    assert client.get("/users").json() == [{"name": "ada"}]
    schema = yaml.safe_load(client.get("/schema").text)
    assert schema == {
        "openapi": "3.0.0",
        "info": {"title": "Users", "version": "1.0"},
        "paths": {"/users": {"get": {"responses": {200: {"description": "A list of users."}}}}},
    }
