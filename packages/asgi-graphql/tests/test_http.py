from __future__ import annotations

import pytest
from graphql_driver import SCHEMA, http

from asgi_graphql import GraphQLApp


@pytest.fixture
def app() -> GraphQLApp:
    return GraphQLApp(SCHEMA)


async def test_application_graphql(app: GraphQLApp) -> None:
    result = await http(app, "POST", body=b"{ hello }", content_type="application/graphql")
    assert result.json() == {"data": {"hello": "Hello world"}}


async def test_application_graphql_with_query_string_variables(app: GraphQLApp) -> None:
    result = await http(
        app,
        "POST",
        params={"variables": '{"n": "qs"}'},
        body=b"query($n: String) { hello(name: $n) }",
        content_type="application/graphql; charset=utf-8",
    )
    assert result.json() == {"data": {"hello": "Hello qs"}}


async def test_application_graphql_bad_utf8(app: GraphQLApp) -> None:
    result = await http(app, "POST", body=b"\xff{", content_type="application/graphql")
    assert result.status == 400
    assert result.json() == {"errors": [{"message": "Request body is not valid UTF-8"}]}


URLENCODED = (
    b"query=query(%24n%3A+String)+%7B+hello(name%3A+%24n)+%7D&variables=%7B%22n%22%3A%22f%22%7D",
    "application/x-www-form-urlencoded",
)
MULTIPART = (
    b'--XX\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ hello }\r\n--XX--\r\n',
    "multipart/form-data; boundary=XX",
)


@pytest.mark.parametrize(
    "header",
    [
        "GraphQL-Require-Preflight",
        "Apollo-Require-Preflight",
        "X-Apollo-Operation-Name",
        "X-Requested-With",
    ],
)
async def test_forms_with_the_opt_in_and_a_preflight_header(header: str) -> None:
    app = GraphQLApp(SCHEMA, allow_form_posts=True)
    headers = {header: "1"}
    body, content_type = URLENCODED
    result = await http(app, "POST", body=body, content_type=content_type, headers=headers)
    assert result.json() == {"data": {"hello": "Hello f"}}
    body, content_type = MULTIPART
    result = await http(app, "POST", body=body, content_type=content_type, headers=headers)
    assert result.json() == {"data": {"hello": "Hello world"}}


@pytest.mark.parametrize(("body", "content_type"), [URLENCODED, MULTIPART])
async def test_forms_are_refused_by_default(
    app: GraphQLApp, body: bytes, content_type: str
) -> None:
    # Any site can make a browser post a form, cookies included, with no preflight.
    result = await http(app, "POST", body=body, content_type=content_type)
    assert result.status == 415
    assert result.json() == {
        "errors": [
            {"message": "Form posts are refused (any site can send one): send application/json"}
        ]
    }


@pytest.mark.parametrize(("body", "content_type"), [URLENCODED, MULTIPART])
async def test_an_allowed_form_without_a_preflight_header_is_400(
    body: bytes, content_type: str
) -> None:
    app = GraphQLApp(SCHEMA, allow_form_posts=True)
    result = await http(app, "POST", body=body, content_type=content_type)
    assert result.status == 400
    assert "GraphQL-Require-Preflight" in result.json()["errors"][0]["message"]


async def test_json_with_suffix_media_type(app: GraphQLApp) -> None:
    result = await http(
        app, "POST", body=b'{"query": "{ hello }"}', content_type="application/graphql+json"
    )
    assert result.status == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"{not json",
            "Request body is not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (b"\xff\xfe", "Request body is not valid JSON: Not UTF-8"),
        (b"[" * 100_000, "Request body is not valid JSON: Nested too deeply"),
        (b"[]", "Batched queries are not supported"),
        (b'"x"', "Request body must be a JSON object"),
        (b"{}", "No GraphQL query found in the request"),
        (b'{"query": ""}', "No GraphQL query found in the request"),
        (b'{"query": 5}', "The query must be a string"),
        (b'{"query": "{ hello }", "operationName": 5}', "operationName must be a string"),
        (b'{"query": "{ hello }", "variables": [1]}', "Variables must be a JSON object"),
        (
            b'{"query": "{ hello }", "variables": "{bad"}',
            "Variables are not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            b'{"query": "{ hello }", "variables": "[NaN]"}',
            "Variables are not valid JSON: NaN is not valid JSON",
        ),
        (b'{"query": "{ hello }", "variables": "[1]"}', "Variables must be a JSON object"),
    ],
)
async def test_bad_json_bodies(app: GraphQLApp, body: bytes, message: str) -> None:
    result = await http(app, "POST", body=body, content_type="application/json")
    assert result.status == 400
    assert result.json() == {"errors": [{"message": message}]}


@pytest.mark.parametrize("variables", ["", "null"])
async def test_empty_variables(app: GraphQLApp, variables: str) -> None:
    result = await http(app, params={"query": "{ hello }", "variables": variables})
    assert result.json() == {"data": {"hello": "Hello world"}}


async def test_json_null_variables_and_empty_operation_name(app: GraphQLApp) -> None:
    body = {"query": "{ hello }", "variables": None, "operationName": ""}
    assert (await http(app, "POST", json_body=body)).status == 200


async def test_unsupported_media_type(app: GraphQLApp) -> None:
    result = await http(app, "POST", body=b"{ hello }", content_type="text/plain")
    assert result.status == 415
    assert "Unsupported Media Type" in result.json()["errors"][0]["message"]
    no_type = await http(app, "POST", body=b"{ hello }")
    assert no_type.status == 415


async def test_body_too_large() -> None:
    app = GraphQLApp(SCHEMA, max_body_size=20)
    result = await http(app, "POST", json_body={"query": "{ hello }", "variables": {"x": "y" * 20}})
    assert result.status == 413
    assert len(result.json()["errors"]) == 1
    small = await http(app, "POST", body=b"{ hello }", content_type="application/graphql")
    assert small.json() == {"data": {"hello": "Hello world"}}


async def test_body_limit_default_and_disabled() -> None:
    big = {"query": "query($x: String) { hello(name: $x) }", "variables": {"x": "y" * 1_100_000}}
    assert (await http(GraphQLApp(SCHEMA), "POST", json_body=big)).status == 413
    unlimited = GraphQLApp(SCHEMA, max_body_size=None)
    assert (await http(unlimited, "POST", json_body=big)).status == 200
