"""The debug page never shows a credential: not in its request tables, not in frame locals.

Debug pages get pasted into issues and chats. An endpoint fails with every kind of credential
in its locals (secret-named variables, the scope's raw headers, Headers objects, header pairs,
cookies, the Request, nested containers, a dataclass, the parsed form) and in the request (the
query, the form fields, an upload, the cookies, the headers); none of the secret values may
appear in the page in any form (as is, HTML-escaped, repr'd, as bytes), while the ordinary
values the page is for still do, and the names in the tables (which the client chose) are
escaped.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from typing import Any

import pytest

from asgi_middleware._redact import HIDDEN
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
FORM_PASSWORD = "<b>&MARK-FORMPW-15"
FORM_TOKEN = "MARK-CSRF-16-161616"
UPLOAD_NAME = "MARK-UPLOAD-17.pem"
SECRETS = [
    PASSWORD, API_KEY, SECRET, TOKEN, BEARER, PROXY_PASSWORD, SESSION_COOKIE, OTHER_COOKIE,
    HEADER_KEY, QUERY_TOKEN, SET_COOKIE, NESTED, PAIR, FIELD, FORM_PASSWORD, FORM_TOKEN,
    UPLOAD_NAME,
]  # fmt: skip
VISIBLE = [
    "alice-visible", "order-visible-7", "trace-visible-42", "page-visible-2", "db-visible",
    "comment-visible-3",
]  # fmt: skip
# A field name and value that would run as HTML if the page printed them as they came.
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_VALUE = "<script>alert(2)</script>"


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
    async with request.form() as form:  # the page shows a form only once the app parsed it
        _ = (query, config, login, form)
        raise RuntimeError(f"login failed for {user} with {password}")


def app() -> App:
    return App(routes=[Route("/orders", failing, methods=["GET", "POST"])], debug=True)


def forms(secret: str) -> list[str]:
    """Every way the page could spell the secret: as is, repr'd, as bytes, HTML-escaped."""
    spelled = {secret, repr(secret)[1:-1], repr(secret.encode())[2:-1], secret.split(">")[-1]}
    return sorted(
        spelled | {html.escape(s) for s in spelled} | {html.escape(s, False) for s in spelled}
    )


FORM = {
    "password": FORM_PASSWORD,
    "csrf_token": FORM_TOKEN,
    "comment": "comment-visible-3",
    HOSTILE_NAME: HOSTILE_VALUE,
}


@pytest.fixture(
    params=[
        ("text/html", "urlencoded"),
        ("text/html", "multipart"),
        ("text/plain", "urlencoded"),
        ("text/plain", "multipart"),
    ],
    ids=lambda param: "-".join(param),
)
def page(request: Any) -> str:
    accept, encoding = request.param
    client = TestClient(app(), raise_server_exceptions=False)
    proxy = base64.b64encode(f"proxyuser:{PROXY_PASSWORD}".encode()).decode()
    files = {"api_key_file": (UPLOAD_NAME, b"-----BEGIN KEY-----", "application/x-pem-file")}
    response = client.post(
        f"/orders?page=page-visible-2&access_token={QUERY_TOKEN}",
        data=FORM,
        files=files if encoding == "multipart" else None,
        headers={
            "Accept": accept,
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
    client = TestClient(app(), raise_server_exceptions=False)
    page = client.get(
        "/orders?page=page-visible-2",
        headers={"Accept": "text/html", "X-Trace": "trace-visible-42", "Cookie": "a=b"},
    ).text
    for value in VISIBLE[:-1]:
        assert value in page, value
    assert "RuntimeError: login failed for alice-visible with (hidden)" in page
    assert "(hidden)" in page


def rows(page: str, summary: str) -> list[tuple[str, str]]:
    """The rows of the request table under `summary` ("Form fields (5)")."""
    table = page.split(f"<summary>{summary}</summary>")[1].split("</details>")[0]
    return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", table)


def test_the_request_tables_show_the_names_and_hide_the_credentials() -> None:
    client = TestClient(app(), raise_server_exceptions=False)
    page = client.post(
        f"/orders?page=page-visible-2&access_token={QUERY_TOKEN}",
        data=FORM,
        files={"api_key_file": (UPLOAD_NAME, b"k", "application/x-pem-file")},
        headers={"Accept": "text/html", "Cookie": f"sessionid={SESSION_COOKIE}; prefs=dark"},
    ).text
    assert rows(page, "Query parameters (2)") == [
        ("page", "page-visible-2"),
        ("access_token", HIDDEN),
    ]
    assert rows(page, "Form fields (5)") == [
        ("password", HIDDEN),
        ("csrf_token", HIDDEN),
        ("comment", "comment-visible-3"),
        (html.escape(HOSTILE_NAME), html.escape(HOSTILE_VALUE)),
        ("api_key_file", HIDDEN),
    ]
    assert rows(page, "Cookies (2)") == [("sessionid", HIDDEN), ("prefs", HIDDEN)]
    assert HOSTILE_NAME not in page
    assert HOSTILE_VALUE not in page


def test_an_upload_under_an_ordinary_name_shows_its_escaped_filename_only() -> None:
    client = TestClient(app(), raise_server_exceptions=False)
    page = client.post(
        "/orders",
        files={"report": ("q3<script>.csv", b"CONTENT-NEVER-SHOWN", "text/csv")},
        headers={"Accept": "text/html"},
    ).text
    assert rows(page, "Form fields (1)") == [
        ("report", "file &#x27;q3&lt;script&gt;.csv&#x27;, text/csv, 19 bytes")
    ]
    assert "CONTENT-NEVER-SHOWN" not in page
    assert "q3<script>" not in page
