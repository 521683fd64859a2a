"""The GraphiQL page: pinned files with integrity hashes, no inline script or style, its own
start-up files served by the app, and an option to serve GraphiQL's files from the app too."""

from __future__ import annotations

import base64
import re

import pytest
from graphql_driver import SCHEMA, http

from asgi_graphql import GRAPHIQL_ASSETS, GRAPHIQL_HTML, GraphQLApp, graphiql_html
from asgi_graphql._graphiql import BOOT_JS, PAGE_CSS

BROWSER = {"accept": "text/html,application/xhtml+xml"}


async def page(app: GraphQLApp) -> str:
    result = await http(app, headers=BROWSER)
    assert result.status == 200
    return result.body.decode()


def tags(html: str) -> list[str]:
    return re.findall(r"<(?:script|link)\b[^>]*>", html)


async def test_every_file_is_pinned_and_carries_its_integrity_hash() -> None:
    html = await page(GraphQLApp(SCHEMA))
    for asset in GRAPHIQL_ASSETS:
        assert re.fullmatch(r"\d+\.\d+\.\d+", asset.version)
        assert len(base64.b64decode(asset.integrity.removeprefix("sha384-"), validate=True)) == 48
        url = f"https://unpkg.com/{asset.package}@{asset.version}/{asset.path}"
        (tag,) = [tag for tag in tags(html) if f'"{url}"' in tag]
        assert f'integrity="{asset.integrity}"' in tag
        assert 'crossorigin="anonymous"' in tag
    assert html == GRAPHIQL_HTML


async def test_no_inline_script_style_or_handler_for_a_strict_csp() -> None:
    html = await page(GraphQLApp(SCHEMA))
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 4  # React, ReactDOM, GraphiQL, and the start-up script
    assert all(" src=" in attributes and not body.strip() for attributes, body in scripts)
    assert "<style" not in html
    assert not re.search(r"\s(on\w+|style)=", html)
    # The start-up script runs last, after the files it checks.
    assert scripts[-1][0].startswith(' src="?graphiql-asset=boot.js"')
    assert '<link rel="stylesheet" href="?graphiql-asset=page.css">' in html


async def test_the_loading_message_comes_before_every_file_that_could_hang() -> None:
    html = await page(GraphQLApp(SCHEMA))
    head = html.split("</head>")[0]
    assert "unpkg" not in head  # a stylesheet in the head would hold up the whole page
    first_file = min(html.index(asset.cdn_url) for asset in GRAPHIQL_ASSETS)
    assert html.index("Loading GraphiQL") < html.index('class="graphiql-slow"') < first_file


@pytest.mark.parametrize(
    ("name", "body", "media_type"),
    [("boot.js", BOOT_JS, "text/javascript"), ("page.css", PAGE_CSS, "text/css")],
)
async def test_the_app_serves_the_pages_own_files(name: str, body: str, media_type: str) -> None:
    result = await http(GraphQLApp(SCHEMA), params={"graphiql-asset": name})
    assert result.status == 200
    assert result.body.decode() == body
    assert result.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert result.headers["cache-control"] == "no-cache"
    assert result.headers["x-content-type-options"] == "nosniff"


async def test_an_unknown_asset_is_404_and_none_is_served_without_graphiql() -> None:
    result = await http(GraphQLApp(SCHEMA), params={"graphiql-asset": "../app.py"})
    assert result.status == 404
    assert result.json() == {
        "errors": [{"message": "No GraphiQL asset '../app.py': there are boot.js, page.css"}]
    }
    long = await http(GraphQLApp(SCHEMA), params={"graphiql-asset": "x" * 1000})
    assert long.json()["errors"][0]["message"].startswith(f"No GraphiQL asset '{'x' * 40}…': ")
    off = await http(GraphQLApp(SCHEMA, graphiql=False), params={"graphiql-asset": "boot.js"})
    assert off.status == 400
    assert off.json() == {"errors": [{"message": "No GraphQL query found in the request"}]}
    # A query wins: the parameter is no reason not to run it.
    query = {"query": "{ hello }", "graphiql-asset": "boot.js"}
    assert (await http(GraphQLApp(SCHEMA), params=query)).json() == {
        "data": {"hello": "Hello world"}
    }


@pytest.mark.parametrize("prefix", ["/static/graphiql", "/static/graphiql/"])
async def test_graphiql_assets_serves_the_same_files_from_the_app(prefix: str) -> None:
    html = await page(GraphQLApp(SCHEMA, graphiql_assets=prefix))
    assert "unpkg.com" not in html
    for asset in GRAPHIQL_ASSETS:
        (tag,) = [tag for tag in tags(html) if f'"/static/graphiql/{asset.file}"' in tag]
        assert f'integrity="{asset.integrity}"' in tag  # still checked
    boot = tags(html)[-1]
    assert 'data-assets="/static/graphiql" data-self-hosted' in boot
    assert "<code>/static/graphiql</code>" in html  # the slow-loading hint names it


async def test_a_prefix_is_escaped_in_the_page() -> None:
    html = graphiql_html('https://cdn.example/"x"<y>')
    assert 'src="https://cdn.example/&quot;x&quot;&lt;y&gt;/graphiql.min.js"' in html
    assert '"x"<y>' not in html


@pytest.mark.parametrize(
    ("prefix", "error"), [("", ValueError), ("/", ValueError), (" ", ValueError), (7, TypeError)]
)
def test_a_prefix_that_names_no_place_is_refused_at_start(prefix: object, error: type) -> None:
    with pytest.raises(error, match="graphiql_assets must be the URL prefix the GraphiQL files"):
        GraphQLApp(SCHEMA, graphiql_assets=prefix)  # type: ignore[arg-type]


def test_the_start_up_script_explains_a_failure_and_how_to_self_host() -> None:
    # Its behaviour runs in a browser (tests/servers/test_browser_pages.py); here, that the
    # checks and the words are there.
    for needle in (
        'getAttribute("data-graphiql-global")',
        'getPropertyValue("--color-primary")',
        "did not match their integrity hash",
        "python -m asgi_graphql.graphiql_assets",
        'graphiql_assets=\\"/static/graphiql\\"',
        "textContent",
    ):
        assert needle in BOOT_JS
    assert "innerHTML" not in BOOT_JS  # what it shows is never parsed as HTML
