"""The pages a newcomer meets, served under a strict Content-Security-Policy for a real browser.

/checkout      a user endpoint that parses a form and fails two frames deep (debug page)
/graphql       GraphiQL from the CDN (unpkg)
/graphql-404   GraphiQL whose self-hosted files are missing
/graphql-local GraphiQL from the files in $BROWSER_GRAPHIQL_DIR, served under /static
/csp-reports   what the browser reported breaking the policy
"""

from __future__ import annotations

import os
from typing import Any

import graphene

from asgi_graphql import GraphQLApp
from asgi_toolkit import App, JSONResponse, Mount, Request, Response, Route, StaticFiles
from asgi_toolkit.routing import BaseRoute
from asgi_toolkit.types import ASGIApp, Message, Receive, Scope, Send

# What a careful site sends: no inline script or style, scripts only from here and the CDN.
CSP = (
    "default-src 'self'; script-src 'self' https://unpkg.com; "
    "style-src 'self' https://unpkg.com; font-src 'self' data:; img-src 'self' data:; "
    "connect-src 'self'; report-uri /csp-report"
)
REPORTS: list[Any] = []


def total(quantity: str, discount: str) -> float:
    price = 9.5 * int(quantity)
    return price * (1 - int(discount) / 100)  # the bug: a discount of "ten"


async def checkout(request: Request) -> Response:
    async with request.form() as form:
        order = {"id": request.query_params["order"], "lines": 1}
        password = form.get("password")
        _ = (order, password)
        return JSONResponse(total(str(form["qty"]), str(form["discount"])))


async def csp_report(request: Request) -> Response:
    REPORTS.append(await request.json())
    return Response(status_code=204)


async def csp_reports(request: Request) -> Response:
    return JSONResponse(REPORTS)


class Query(graphene.ObjectType):  # type: ignore[misc]
    hello = graphene.String()

    def resolve_hello(self, info: Any) -> str:
        return "Hello"


def strict_csp(app: ASGIApp) -> ASGIApp:
    async def with_policy(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"content-security-policy", CSP.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_policy)

    return with_policy


schema = graphene.Schema(query=Query)
local = os.environ.get("BROWSER_GRAPHIQL_DIR")
routes: list[BaseRoute] = [
    Route("/checkout", checkout, methods=["POST"]),
    Route("/csp-report", csp_report, methods=["POST"]),
    Route("/csp-reports", csp_reports),
    Route("/graphql", GraphQLApp(schema)),
    Route("/graphql-404", GraphQLApp(schema, graphiql_assets="/nowhere/graphiql")),
]
if local:
    routes += [
        Route("/graphql-local", GraphQLApp(schema, graphiql_assets="/static/graphiql")),
        Mount("/static/graphiql", StaticFiles(directory=local)),
    ]
app = strict_csp(App(routes=routes, debug=True))
