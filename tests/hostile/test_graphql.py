"""GraphQL attacks: cost (depth, fields, aliases, query length, body size, fragment bombs,
batches), cross-site form posts and GET mutations, leaking resolver exceptions, mapping the
schema with introspection turned off, and GraphiQL's own files as a way to read others."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import graphene
import pytest
from graphql import GraphQLError, get_introspection_query

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
    secret = graphene.String()
    refused = graphene.String()

    def resolve_node(self, info: Any) -> Node:
        return Node()

    def resolve_secret(self, info: Any) -> str:
        raise RuntimeError("connection to postgres://admin:hunter2@db failed")

    def resolve_refused(self, info: Any) -> str:
        raise GraphQLError("You may not see this")


transfers: list[int] = []


class Mutation(graphene.ObjectType):  # type: ignore[misc]
    transfer = graphene.Int(amount=graphene.Int(required=True))

    def resolve_transfer(self, info: Any, amount: int) -> int:
        transfers.append(amount)
        return amount


SCHEMA = graphene.Schema(query=Query, mutation=Mutation)


@pytest.fixture(autouse=True)
def no_transfers_yet() -> None:
    transfers.clear()


@pytest.fixture
def client() -> TestClient:
    app = GraphQLApp(SCHEMA, graphiql=False, max_depth=10)
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


def test_fragment_bomb_is_refused_fast(client: TestClient) -> None:
    # Each fragment spreads the previous one twice: 2**41 fields as it would run, in a few
    # lines; counting fragment by fragment costs linear time.
    fragments = ["fragment F0 on Node { value }"]
    for i in range(1, 41):
        fragments.append(
            f"fragment F{i} on Node {{ child {{ ...F{i - 1} }} child {{ ...F{i - 1} }} }}"
        )
    query = "{ node { ...F40 } } " + " ".join(fragments)
    start = time.perf_counter()
    response = client.post("/", json={"query": query})
    assert time.perf_counter() - start < 2
    assert response.status_code == 400
    messages = [error["message"] for error in response.json()["errors"]]
    assert "Query has more than 1000000000 fields, over the limit of 1000" in messages


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


def test_many_aliases_in_one_query_are_refused(client: TestClient) -> None:
    # One request, 300 runs of a resolver: the brute-force and amplification trick.
    query = "{ " + " ".join(f"a{i}: node {{ value }}" for i in range(300)) + " }"
    start = time.perf_counter()
    response = client.post("/", json={"query": query})
    assert time.perf_counter() - start < 2
    assert response.status_code == 400
    messages = [error["message"] for error in response.json()["errors"]]
    assert "Query has 300 aliases, over the limit of 15" in messages


def test_aliases_hidden_in_a_fragment_are_counted(client: TestClient) -> None:
    fragment = (
        "fragment F on Query { " + " ".join(f"a{i}: node {{ value }}" for i in range(4)) + " }"
    )
    # Four aliases written, twenty run: each spread counts again.
    query = "{ ...F ...F ...F ...F ...F } " + fragment
    response = client.post("/", json={"query": query})
    assert response.status_code == 400
    assert "Query has 20 aliases, over the limit of 15" in response.text


def test_too_many_fields_are_refused(client: TestClient) -> None:
    query = "{ node { " + "value " * 1_200 + "} }"
    response = client.post("/", json={"query": query})
    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["message"] == "Query has 1201 fields, over the limit of 1000"
    )


def test_batches_are_refused_whole(client: TestClient) -> None:
    # No batching at all, so there is no batch size to abuse.
    batch = [{"query": "mutation { transfer(amount: 1) }"}] * 100
    response = client.post("/", json=batch)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "Batched queries are not supported"}]}
    assert transfers == []


# -- cross-site requests --------------------------------------------------------------------

MUTATION = "mutation { transfer(amount: 100) }"
FORM_POSTS = [
    pytest.param({"data": {"query": MUTATION}}, id="urlencoded"),
    pytest.param({"files": {"query": (None, MUTATION)}}, id="multipart"),
    pytest.param(
        {"content": json.dumps({"query": MUTATION}), "headers": {"content-type": "text/plain"}},
        id="text/plain",
    ),
    pytest.param(
        {
            "content": "query=" + MUTATION.replace(" ", "+"),
            "headers": {"content-type": "Application/X-WWW-Form-Urlencoded ; charset=utf-8"},
        },
        id="urlencoded, odd case",
    ),
]


@pytest.mark.parametrize("post", FORM_POSTS)
def test_a_form_another_site_can_send_runs_nothing(
    client: TestClient, post: dict[str, Any]
) -> None:
    response = client.post("/", **post)
    assert response.status_code == 415
    assert response.json()["errors"][0]["message"].startswith(
        ("Form posts are refused", "Unsupported Media Type")
    )
    assert transfers == []


@pytest.mark.parametrize("post", FORM_POSTS[:2])
def test_allowed_form_posts_still_need_a_preflight_header(post: dict[str, Any]) -> None:
    client = TestClient(GraphQLApp(SCHEMA, allow_form_posts=True))
    response = client.post("/", **post)
    assert response.status_code == 400
    assert "GraphQL-Require-Preflight" in response.json()["errors"][0]["message"]
    assert transfers == []
    # A browser sends that header cross-site only after a CORS preflight the server allowed.
    response = client.post("/", **post, headers={"GraphQL-Require-Preflight": "1"})
    assert response.json() == {"data": {"transfer": 100}}
    assert transfers == [100]


@pytest.mark.parametrize(
    "params",
    [
        {"query": MUTATION},
        {"query": "query Q { node { value } } " + MUTATION.replace("mutation", "mutation M"),
         "operationName": "M"},
        {"query": MUTATION, "operationName": ""},
    ],
)  # fmt: skip
def test_get_never_runs_a_mutation(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/", params=params, headers={"GraphQL-Require-Preflight": "1"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "mutation" in response.json()["errors"][0]["message"]
    assert transfers == []


def test_json_posts_run_mutations(client: TestClient) -> None:
    # application/json needs a CORS preflight cross-site: the safe way in, on by default.
    assert client.post("/", json={"query": MUTATION}).json() == {"data": {"transfer": 100}}


# -- what errors tell ------------------------------------------------------------------------


def test_a_resolver_exception_is_a_generic_message_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="asgi_graphql")
    response = client.post("/", json={"query": "{ secret node { value } }"})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"secret": None, "node": {"value": 1}}
    assert body["errors"] == [
        {
            "message": "Internal server error",
            "locations": [{"line": 1, "column": 3}],
            "path": ["secret"],
        }
    ]
    assert "hunter2" not in response.text
    [record] = caplog.records
    assert "hunter2" in record.getMessage()
    assert record.exc_info is not None
    assert "resolve_secret" in logging.Formatter().formatException(record.exc_info)


def test_a_graphql_error_raised_on_purpose_reaches_the_client(client: TestClient) -> None:
    response = client.post("/", json={"query": "{ refused }"})
    assert response.json()["errors"][0]["message"] == "You may not see this"


def test_debug_shows_the_real_message() -> None:
    client = TestClient(GraphQLApp(SCHEMA, debug=True))
    response = client.post("/", json={"query": "{ secret }"})
    assert "hunter2" in response.json()["errors"][0]["message"]


# -- introspection off -----------------------------------------------------------------------


@pytest.fixture
def closed() -> TestClient:
    return TestClient(GraphQLApp(SCHEMA, introspection=False))


@pytest.mark.parametrize(
    "query",
    [
        get_introspection_query(),
        '{ __type(name: "Mutation") { fields { name } } }',
        "{ s: __schema { types { name } } }",
        "{ ...F } fragment F on Query { __schema { queryType { name } } }",
    ],
)
def test_introspection_off_refuses_the_schema(closed: TestClient, query: str) -> None:
    for response in (
        closed.post("/", json={"query": query}),
        closed.get("/", params={"query": query}),
    ):
        assert response.status_code == 400
        assert "introspection" in response.text.lower()
        assert "transfer" not in response.text


def test_introspection_off_suggests_no_names(closed: TestClient) -> None:
    # Suggestions would spell the schema out one guess at a time.
    for query in ["{ secre }", "mutation { transfe(amount: 1) }", "{ node { valu } }",
                  "mutation { transfer(amout: 1) }"]:  # fmt: skip
        response = closed.post("/", json={"query": query})
        assert response.status_code == 400
        assert "Did you mean" not in response.text, response.text
        assert "transfer(" not in response.text


def test_introspection_off_over_websocket(closed: TestClient) -> None:
    with closed.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as session:
        session.send_json({"type": "connection_init"})
        assert session.receive_json() == {"type": "connection_ack"}
        session.send_json(
            {
                "type": "subscribe",
                "id": "1",
                "payload": {"query": "{ __schema { types { name } } }"},
            }
        )
        message = session.receive_json()
    assert message["type"] == "error"
    assert "introspection" in message["payload"][0]["message"].lower()


@pytest.mark.parametrize(
    "name",
    [
        "../_app.py",
        "/etc/passwd",
        "boot.js/../../pyproject.toml",
        "boot.js\x00",
        "BOOT.JS",
        "%2e%2e/boot.js",
        "",
        "x" * 100_000,
    ],
)
def test_graphiql_serves_its_two_files_and_nothing_else(name: str) -> None:
    response = TestClient(GraphQLApp(SCHEMA)).get("/", params={"graphiql-asset": name})
    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert error["message"].startswith("No GraphiQL asset ")
    assert error["message"].endswith(": there are boot.js, page.css")
    assert len(error["message"]) < 120  # a long name is not echoed back whole
    assert "import" not in response.text
    assert "root:" not in response.text


def test_a_repeated_graphiql_asset_parameter_counts_once_its_last_value() -> None:
    client = TestClient(GraphQLApp(SCHEMA))
    refused = client.get("/?graphiql-asset=page.css&graphiql-asset=../_app.py")
    assert refused.status_code == 404  # the last value, as any query parameter is read
    served = client.get("/?graphiql-asset=../_app.py&graphiql-asset=page.css")
    assert served.headers["content-type"] == "text/css; charset=utf-8"
    assert served.text.startswith("html, body, #graphiql")
