"""GraphQL cost attacks: depth, query length, body size, fragment bombs and junk bodies."""

from __future__ import annotations

import time
from typing import Any

import graphene
import pytest

from asgi_testclient import TestClient
from asgi_toolkit.graphql import GraphQLApp


class Node(graphene.ObjectType):  # type: ignore[misc]
    value = graphene.Int()
    child = graphene.Field(lambda: Node)

    def resolve_child(self, info: Any) -> Node:
        return Node()

    def resolve_value(self, info: Any) -> int:
        return 1


class Query(graphene.ObjectType):  # type: ignore[misc]
    node = graphene.Field(Node)

    def resolve_node(self, info: Any) -> Node:
        return Node()


@pytest.fixture
def client() -> TestClient:
    app = GraphQLApp(graphene.Schema(query=Query), graphiql=False, max_depth=10)
    return TestClient(app, raise_server_exceptions=False)


def nested(depth: int) -> str:
    """`depth` object levels plus the leaf `value`: the depth rule counts depth + 1."""
    return "{ node " + "{ child " * (depth - 1) + "{ value }" + " }" * (depth - 1) + " }"


def test_sanity_a_shallow_query_runs(client: TestClient) -> None:
    response = client.post("/", json={"query": nested(3)})
    assert response.status_code == 200
    assert "errors" not in response.json()


def test_too_deep_query_is_refused(client: TestClient) -> None:
    start = time.perf_counter()
    response = client.post("/", json={"query": nested(500)})
    assert time.perf_counter() - start < 2
    assert response.status_code == 400
    # graphql-core's parser refuses it before our depth rule runs; either message is clear.
    assert "nested too deeply" in response.text or "depth" in response.text


def test_query_past_max_depth_is_refused(client: TestClient) -> None:
    response = client.post("/", json={"query": nested(20)})
    assert response.status_code == 400
    assert "Query depth 21 exceeds the limit of 10" in response.text


def test_depth_hidden_in_fragments_is_refused(client: TestClient) -> None:
    fragments = ["fragment F0 on Node { value }"]
    for i in range(1, 12):
        fragments.append(f"fragment F{i} on Node {{ child {{ ...F{i - 1} }} }}")
    query = "{ node { ...F11 } } " + " ".join(fragments)
    response = client.post("/", json={"query": query})
    assert response.status_code == 400
    assert "depth" in response.text.lower()


def test_fragment_bomb_stays_cheap(client: TestClient) -> None:
    # Each fragment spreads the previous one many times: naive depth walking is exponential.
    fragments = ["fragment F0 on Node { value }"]
    for i in range(1, 8):
        spreads = " ".join(f"a{j}: child {{ ...F{i - 1} }}" for j in range(2))
        fragments.append(f"fragment F{i} on Node {{ {spreads} }}")
    query = "{ node { ...F7 } } " + " ".join(fragments)
    start = time.perf_counter()
    response = client.post("/", json={"query": query})
    assert time.perf_counter() - start < 2
    assert response.status_code in (200, 400)


def test_too_long_query_is_refused(client: TestClient) -> None:
    query = "{ node { value } }" + " " * 20_000
    response = client.post("/", json={"query": query})
    assert response.status_code == 400
    assert "too long" in response.text.lower()


def test_huge_body_is_refused_with_413(client: TestClient) -> None:
    response = client.post(
        "/", content=b'{"query": "' + b" " * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"query": 5}', b"\xff\xfe", b"[" * 50_000 + b"]" * 50_000]
)
def test_junk_bodies_are_client_errors(client: TestClient, body: bytes) -> None:
    response = client.post("/", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text


def test_many_aliases_in_one_query_stay_bounded(client: TestClient) -> None:
    query = "{ " + " ".join(f"a{i}: node {{ value }}" for i in range(600)) + " }"
    start = time.perf_counter()
    response = client.post("/", json={"query": query})
    assert time.perf_counter() - start < 2
    assert response.status_code in (200, 400)
