"""The debug page never shows a credential: not in the header table, not in frame locals.

Debug pages get pasted into issues and chats. An endpoint fails with every kind of credential
in its locals (secret-named variables, the scope's raw headers, Headers objects, header pairs,
cookies, the Request, nested containers, a dataclass); none of the secret values may appear in
the page in any form (as is, HTML-escaped, repr'd, as bytes), while the ordinary values the
page is for still do.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Any

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.datastructures import MutableHeaders
from asgi_toolkit.requests import Request
from asgi_toolkit.routing import Route

# Each secret holds a marker found nowhere else, so a half-masked value is caught too.
PASSWORD = "pw<'\"&>MARK-PASSWORD-1"  # characters that repr and HTML-escaping both change
API_KEY = "MARK-APIKEY-2-9f8e7d"
SECRET = "MARK-SECRET-3-c0ffee"
TOKEN = "MARK-TOKEN-4-b16b00b5"
BEARER = "MARK-BEARER-5-123456"
PROXY_PASSWORD = "MARK-PROXY-6-777777"
SESSION_COOKIE = "MARK-COOKIE-7-abcdef"
OTHER_COOKIE = "MARK-COOKIE-8-ghijkl"
HEADER_KEY = "MARK-XAPIKEY-9-555555"
QUERY_TOKEN = "MARK-QUERY-10-314159"
SET_COOKIE = "MARK-SETCOOKIE-11-999"
NESTED = "MARK-NESTED-12-424242"
PAIR = "MARK-PAIR-13-131313"
FIELD = "MARK-FIELD-14-141414"
SECRETS = [
    PASSWORD, API_KEY, SECRET, TOKEN, BEARER, PROXY_PASSWORD, SESSION_COOKIE, OTHER_COOKIE,
    HEADER_KEY, QUERY_TOKEN, SET_COOKIE, NESTED, PAIR, FIELD,
]  # fmt: skip
VISIBLE = ["alice-visible", "order-visible-7", "trace-visible-42", "page-visible-2", "db-visible"]


@dataclass
class Login:
    user: str
    password: str


async def failing(request: Request) -> None:
    password = PASSWORD
    api_key = API_KEY
    secret = SECRET
    token = TOKEN
    user = "alice-visible"
    order = "order-visible-7"
    scope = request.scope
    headers = request.headers
    pairs = list(request.scope["headers"])
    response_headers = MutableHeaders({"x-trace": "trace-visible-42"})
    response_headers.append("set-cookie", f"sid={SET_COOKIE}; Path=/")
    raw = response_headers.raw
    cookies = request.cookies
    jar = dict(request.cookies)  # a cookies dict under a name that says nothing
    query = request.query_params
    config = {"db": {"host": "db-visible", "db_password": NESTED}, "auth": [("token", PAIR)]}
    login = Login(user, FIELD)
    _ = (password, api_key, secret, token, order, scope, headers, pairs, raw, cookies, jar)
    _ = (query, config, login)
    raise RuntimeError(f"login failed for {user} with {password}")


def forms(secret: str) -> list[str]:
    """Every way the page could spell the secret: as is, repr'd, as bytes, HTML-escaped."""
    spelled = {secret, repr(secret)[1:-1], repr(secret.encode())[2:-1], secret.split(">")[-1]}
    return sorted(
        spelled | {html.escape(s) for s in spelled} | {html.escape(s, False) for s in spelled}
    )


@pytest.fixture(params=["text/html", "text/plain"])
def page(request: Any) -> str:
    client = TestClient(
        App(routes=[Route("/orders", failing)], debug=True), raise_server_exceptions=False
    )
    proxy = base64.b64encode(f"proxyuser:{PROXY_PASSWORD}".encode()).decode()
    response = client.get(
        f"/orders?page=page-visible-2&access_token={QUERY_TOKEN}",
        headers={
            "Accept": request.param,
            "Authorization": f"Bearer {BEARER}",
            "Proxy-Authorization": f"Basic {proxy}",
            "Cookie": f"sessionid={SESSION_COOKIE}; prefs={OTHER_COOKIE}",
            "X-Api-Key": HEADER_KEY,
            "X-Trace": "trace-visible-42",
        },
    )
    assert response.status_code == 500
    return response.text


@pytest.mark.parametrize("secret", SECRETS)
def test_no_secret_appears_in_any_form(page: str, secret: str) -> None:
    for form in forms(secret):
        assert form not in page


def test_the_basic_credentials_do_not_appear_decoded_either(page: str) -> None:
    assert "proxyuser:" not in page


def test_the_ordinary_values_still_do() -> None:
    client = TestClient(
        App(routes=[Route("/orders", failing)], debug=True), raise_server_exceptions=False
    )
    page = client.get(
        "/orders?page=page-visible-2",
        headers={"Accept": "text/html", "X-Trace": "trace-visible-42", "Cookie": "a=b"},
    ).text
    for value in VISIBLE:
        assert value in page, value
    assert "RuntimeError: login failed for alice-visible with (hidden)" in page
    assert "(hidden)" in page
