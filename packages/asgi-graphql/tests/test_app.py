from __future__ import annotations

from typing import Any

import graphene
import pytest
from graphql import get_introspection_query
from graphql_driver import EVENTS, SCHEMA, http

from asgi_graphql import GraphQLApp


@pytest.fixture
def app() -> GraphQLApp:
    return GraphQLApp(SCHEMA)


async def test_get_query(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ hello }"})
    assert result.status == 200
    assert result.headers["content-type"].startswith("application/json")
    assert result.json() == {"data": {"hello": "Hello world"}}


async def test_get_with_variables_and_operation_name(app: GraphQLApp) -> None:
    query = "query A($n: String) { hello(name: $n) } query B { hello }"
    params = {"query": query, "variables": '{"n": "you"}', "operationName": "A"}
    assert (await http(app, params=params)).json() == {"data": {"hello": "Hello you"}}


async def test_post_json(app: GraphQLApp) -> None:
    body = {"query": "query($n: String) { hello(name: $n) }", "variables": {"n": "json"}}
    result = await http(app, "POST", json_body=body)
    assert (result.status, result.json()) == (200, {"data": {"hello": "Hello json"}})


async def test_post_mutation(app: GraphQLApp) -> None:
    result = await http(app, "POST", json_body={"query": "mutation { bump(by: 1) }"})
    assert result.json() == {"data": {"bump": 2}}


async def test_mutation_over_get_is_405(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "mutation { bump(by: 1) }"})
    assert result.status == 405
    assert result.headers["allow"] == "POST"
    assert result.json() == {
        "errors": [{"message": "Can only perform a mutation operation from a POST request"}]
    }


async def test_subscription_over_http_is_400(app: GraphQLApp) -> None:
    result = await http(app, "POST", json_body={"query": "subscription { count }"})
    assert result.status == 400
    assert "WebSocket" in result.json()["errors"][0]["message"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_405(app: GraphQLApp, method: str) -> None:
    result = await http(app, method)
    assert result.status == 405
    assert result.headers["allow"] == "GET, POST"
    assert result.json()["errors"][0]["message"].startswith("Method Not Allowed")


async def test_head_is_405_without_body(app: GraphQLApp) -> None:
    result = await http(app, "HEAD")
    assert (result.status, result.headers["allow"], result.body) == (405, "GET, POST", b"")


async def test_syntax_error_is_400(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ hello "})
    assert result.status == 400
    body = result.json()
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("Syntax Error")
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 9}]


async def test_validation_error_is_400(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ nope }"})
    assert result.status == 400
    assert "Cannot query field 'nope'" in result.json()["errors"][0]["message"]


async def test_resolver_error_is_200_with_data_and_a_generic_message(
    app: GraphQLApp, caplog: pytest.LogCaptureFixture
) -> None:
    result = await http(app, params={"query": "{ hello fail }"})
    assert result.status == 200
    body = result.json()
    assert body["data"] == {"hello": "Hello world", "fail": None}
    assert body["errors"] == [
        {
            "message": "Internal server error",
            "locations": [{"line": 1, "column": 9}],
            "path": ["fail"],
        }
    ]
    # The text and the traceback go to the log, not to the client.
    [record] = caplog.records
    assert (record.name, record.levelname) == ("asgi_graphql", "ERROR")
    assert "fail" in record.getMessage()
    assert "boom" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)


async def test_debug_shows_the_resolver_error(caplog: pytest.LogCaptureFixture) -> None:
    result = await http(GraphQLApp(SCHEMA, debug=True), params={"query": "{ fail }"})
    assert result.json()["errors"][0]["message"] == "boom"
    assert len(caplog.records) == 1  # logged all the same


async def test_a_graphql_error_raised_on_purpose_keeps_its_message(
    app: GraphQLApp, caplog: pytest.LogCaptureFixture
) -> None:
    result = await http(app, params={"query": "{ refuse }"})
    assert result.status == 200
    assert result.json()["errors"][0]["message"] == "Not allowed here"
    assert caplog.records == []


async def test_a_crash_that_leaves_no_data_is_500(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ crash }"})
    assert result.status == 500
    body = result.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Internal server error"
    assert "hunter2" not in result.body.decode()


async def test_a_custom_scalar_refusing_a_variable_keeps_its_message() -> None:
    # No path: the client's mistake, not a resolver's crash.
    def parse(value: Any) -> Any:
        raise ValueError("dates look like 2024-01-31")

    class Day(graphene.Scalar):  # type: ignore[misc]
        serialize = staticmethod(str)
        parse_value = staticmethod(parse)
        parse_literal = staticmethod(lambda node, _variables=None: node.value)

    class Query(graphene.ObjectType):  # type: ignore[misc]
        day = graphene.String(on=Day())

    app = GraphQLApp(graphene.Schema(query=Query))
    body = {"query": "query ($d: Day) { day(on: $d) }", "variables": {"d": "soon"}}
    result = await http(app, "POST", json_body=body)
    assert result.status == 400
    assert "dates look like 2024-01-31" in result.json()["errors"][0]["message"]


async def test_bad_variables_are_400(app: GraphQLApp) -> None:
    body = {"query": "mutation($b: Int!) { bump(by: $b) }", "variables": {"b": "x"}}
    result = await http(app, "POST", json_body=body)
    assert result.status == 400
    assert result.json()["data"] is None


async def test_unknown_operation_name(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "query A { hello }", "operationName": "B"})
    assert result.status == 400
    assert result.json()["errors"][0]["message"] == "Unknown operation named 'B'."


async def test_several_operations_need_a_name(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "query A { hello } query B { hello }"})
    assert result.status == 400
    assert "Must provide operation name" in result.json()["errors"][0]["message"]


async def test_background_tasks_run_after_response(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ later }"})
    assert result.json() == {"data": {"later": "scheduled"}}
    assert EVENTS == ["ran"]


async def test_default_context(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ contextKeys }"})
    assert result.json() == {"data": {"contextKeys": ["background", "request"]}}


async def test_context_callable_sync_and_async() -> None:
    seen: list[Any] = []

    def sync_context(request: Any, background: Any) -> dict[str, Any]:
        seen.append((request.method, background))
        return {"user": "u"}

    async def async_context(request: Any, background: Any) -> dict[str, Any]:
        return {"a": 1, "b": 2}

    result = await http(
        GraphQLApp(SCHEMA, context_value=sync_context), params={"query": "{ contextKeys }"}
    )
    assert result.json() == {"data": {"contextKeys": ["user"]}}
    assert seen[0][0] == "GET"
    assert seen[0][1] is not None
    app = GraphQLApp(SCHEMA, context_value=async_context)
    result = await http(app, params={"query": "{ contextKeys }"})
    assert result.json() == {"data": {"contextKeys": ["a", "b"]}}


async def test_static_context_and_root_value() -> None:
    class Q(graphene.ObjectType):
        ctx = graphene.String()
        root = graphene.String()

        def resolve_ctx(root: Any, info: Any) -> str:
            return str(info.context)

        def resolve_root(root: Any, info: Any) -> str:
            return str(root)

    app = GraphQLApp(graphene.Schema(query=Q), context_value="static", root_value="ROOT")
    result = await http(app, params={"query": "{ ctx root }"})
    assert result.json() == {"data": {"ctx": "static", "root": "ROOT"}}


async def test_graphql_core_schema_accepted() -> None:
    app = GraphQLApp(SCHEMA.graphql_schema)
    assert (await http(app, params={"query": "{ hello }"})).status == 200


def test_bad_schema_rejected() -> None:
    with pytest.raises(TypeError, match=r"graphene\.Schema"):
        GraphQLApp(object())


async def test_user_middleware_runs() -> None:
    calls: list[str] = []

    def spy(next_: Any, root: Any, info: Any, **args: Any) -> Any:
        calls.append(info.field_name)
        return next_(root, info, **args)

    app = GraphQLApp(SCHEMA, middleware=[spy])
    assert (await http(app, params={"query": "{ hello }"})).json() == {
        "data": {"hello": "Hello world"}
    }
    assert calls == ["hello"]


async def test_sync_resolvers_run_in_thread(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ thread asyncThread }"})
    assert result.json() == {"data": {"thread": "worker", "asyncThread": "main"}}


async def test_sync_resolvers_inline_when_disabled() -> None:
    app = GraphQLApp(SCHEMA, run_sync_resolvers_in_thread=False)
    result = await http(app, params={"query": "{ thread }"})
    assert result.json() == {"data": {"thread": "main"}}


async def test_sync_resolver_returning_awaitable(app: GraphQLApp) -> None:
    result = await http(app, params={"query": '{ echo(value: "x") }'})
    assert result.json() == {"data": {"echo": "x"}}


async def test_query_too_long() -> None:
    app = GraphQLApp(SCHEMA, max_query_length=10)
    result = await http(app, params={"query": "{ hello       }"})
    assert result.status == 400
    assert result.json()["errors"] == [{"message": "Query too long"}]
    assert (await http(app, params={"query": "{ hello }"})).status == 200


async def test_query_length_default_is_10000(app: GraphQLApp) -> None:
    query = "{ hello }" + " " * 9_991
    assert (await http(app, "POST", json_body={"query": query})).status == 200
    result = await http(app, "POST", json_body={"query": query + " "})
    assert result.json()["errors"] == [{"message": "Query too long"}]


def nested(depth: int) -> str:
    return "{ node " + "{ child " * (depth - 2) + "{ value }" + " }" * (depth - 2) + " }"


async def test_depth_limit(app: GraphQLApp) -> None:
    assert (await http(app, params={"query": nested(15)})).status == 200
    result = await http(app, params={"query": nested(16)})
    assert result.status == 400
    assert result.json()["errors"][0]["message"] == "Query depth 16 exceeds the limit of 15"


async def test_limits_disabled() -> None:
    app = GraphQLApp(SCHEMA, max_query_length=None, max_depth=None)
    assert (await http(app, params={"query": nested(40) + " " * 20_000})).status == 200


async def test_introspection_fits_the_default_depth(app: GraphQLApp) -> None:
    from graphql import get_introspection_query

    result = await http(app, "POST", json_body={"query": get_introspection_query()})
    assert result.status == 200
    assert result.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_graphiql_for_browsers(app: GraphQLApp) -> None:
    result = await http(app, headers={"accept": "text/html,application/xhtml+xml"})
    assert result.status == 200
    assert result.headers["content-type"].startswith("text/html")
    assert b"graphiql" in result.body


async def test_graphiql_not_for_queries(app: GraphQLApp) -> None:
    result = await http(app, params={"query": "{ hello }"}, headers={"accept": "text/html"})
    assert result.json() == {"data": {"hello": "Hello world"}}


async def test_graphiql_disabled() -> None:
    app = GraphQLApp(SCHEMA, graphiql=False)
    result = await http(app, headers={"accept": "text/html"})
    assert result.status == 400
    assert result.json() == {"errors": [{"message": "No GraphQL query found in the request"}]}


async def test_no_query_without_html_is_400(app: GraphQLApp) -> None:
    result = await http(app, headers={"accept": "application/json"})
    assert result.status == 400


async def test_lifespan_scope_refused(app: GraphQLApp) -> None:
    async def receive() -> Any:
        raise AssertionError

    async def send(message: Any) -> None:
        raise AssertionError

    with pytest.raises(RuntimeError, match="not 'lifespan'"):
        await app({"type": "lifespan"}, receive, send)


async def test_documents_are_cached(app: GraphQLApp) -> None:
    await http(app, params={"query": "{ hello }"})
    await http(app, params={"query": "{ hello }"})
    info = app.executor.prepare.cache_info()
    assert (info.hits, info.misses) == (1, 1)


async def test_introspection_can_be_turned_off() -> None:
    on, off = GraphQLApp(SCHEMA), GraphQLApp(SCHEMA, introspection=False)
    query = get_introspection_query()
    assert (await http(on, "POST", json_body={"query": query})).status == 200
    for probe in (query, '{ __type(name: "Query") { name } }'):
        result = await http(off, "POST", json_body={"query": probe})
        assert result.status == 400
        message = result.json()["errors"][0]["message"]
        assert "introspection" in message.lower()
    # __typename is not introspection of the schema: clients rely on it.
    typename = await http(off, params={"query": "{ __typename }"})
    assert typename.json() == {"data": {"__typename": "Query"}}


async def test_without_introspection_no_field_names_are_suggested() -> None:
    query = {"query": "{ helo }"}
    shown = (await http(GraphQLApp(SCHEMA), "POST", json_body=query)).json()
    assert "Did you mean 'hello'?" in shown["errors"][0]["message"]
    hidden = (await http(GraphQLApp(SCHEMA, introspection=False), "POST", json_body=query)).json()
    assert hidden["errors"][0]["message"] == "Cannot query field 'helo' on type 'Query'."


async def test_default_limits_let_the_graphiql_introspection_query_through() -> None:
    result = await http(GraphQLApp(SCHEMA), "POST", json_body={"query": get_introspection_query()})
    assert "errors" not in result.json()


async def test_field_and_alias_limits() -> None:
    app = GraphQLApp(SCHEMA, max_fields=3, max_aliases=1)
    ok = await http(app, params={"query": "{ a: hello node { value } }"})
    assert ok.json() == {"data": {"a": "Hello world", "node": {"value": 1}}}
    many = await http(app, params={"query": "{ a: hello b: hello node { value child { value } } }"})
    assert many.status == 400
    assert [e["message"] for e in many.json()["errors"]] == [
        "Query has 6 fields, over the limit of 3",
        "Query has 2 aliases, over the limit of 1",
    ]
    unlimited = GraphQLApp(SCHEMA, max_depth=None, max_fields=None, max_aliases=None)
    query = "{ " + " ".join(f"a{i}: hello" for i in range(100)) + " }"
    assert (await http(unlimited, params={"query": query})).status == 200
