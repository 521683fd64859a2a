"""The debug page's layout: the error and your code first, the request folded below, versions,
time and a plain-text copy at the bottom, nothing loaded from the network."""

import html
import io
import platform
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from asgi_middleware import ServerErrorMiddleware
from asgi_middleware import __version__ as middleware_version
from asgi_middleware._debug_page import debug_html, debug_text
from asgi_middleware._debug_request import FORM_NOT_READ, request_details
from asgi_middleware._redact import Redactor
from asgi_protocol.datastructures import FormData, Headers, UploadFile
from asgi_requests import FORM_SCOPE_KEY, Request
from asgi_testclient import TestClient

FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


def total(quantity: str, discount: str) -> float:
    price = 9.5 * int(quantity)
    return price * (1 - int(discount) / 100)  # the bug: "ten" is no number


async def checkout(scope: Any, receive: Any, send: Any) -> None:
    request = Request(scope, receive)
    form = await request.form()
    total(str(form["qty"]), str(form["discount"]))


def page_of(
    app: Any, accept: str = "text/html", receives: list[Any] | None = None, **kwargs: Any
) -> str:
    """The debug page for a POST that `app` fails; what the page's middleware received from
    the client is appended to `receives`."""
    middleware = ServerErrorMiddleware(app, debug=True)

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            message = await receive()
            (receives if receives is not None else []).append(message)
            return message

        await middleware(scope, counted, send)

    client = TestClient(counting, raise_server_exceptions=False)
    response = client.post(
        "/checkout?order=A-17&access_token=tok-123456789",
        headers={"Accept": accept, "Cookie": "sessionid=sess-abcdef123; theme=dark-blue"},
        **kwargs,
    )
    assert response.status_code == 500
    return response.text


def checkout_page() -> str:
    return page_of(checkout, data={"qty": "2", "discount": "ten", "password": "hunter2-long"})


def details(page: str, summary: str) -> str:
    """The <details> element whose summary starts with `summary`, from its opening tag."""
    start = page.rindex("<details", 0, page.index(f"<summary>{summary}"))
    return page[start : page.index("</details>", start)]


def test_the_error_and_the_traceback_come_first_then_the_request_versions_and_text() -> None:
    page = checkout_page()
    order = [
        "<h1>",
        "ValueError: invalid literal for int() with base 10: &#x27;ten&#x27;</h1>",
        '<details class="frame app" open><summary>',
        "<h2>Request</h2>",
        "<h2>Versions and time</h2>",
        '<pre id="debug-text">',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    # Between the heading and the traceback: only where it failed and for which request.
    head = page[page.index("</h1>") : page.index("<details")]
    assert "in total" in head
    assert "POST http://testserver/checkout?order=A-17" in head
    assert "<table>" not in head


def test_every_frame_of_your_code_is_open_and_library_frames_are_folded() -> None:
    page = checkout_page()
    frames = re.findall(r'<details class="frame (\w+)"( open)?><summary>(.*?)</summary>', page)
    mine = [
        (kind, is_open) for kind, is_open, title in frames if "test_debug_page_layout.py" in title
    ]
    assert mine == [("app", " open"), ("app", " open")]  # total() and checkout(), both open
    assert "in <b>total</b>" in frames[0][2]  # most recent call first
    assert "in <b>checkout</b>" in frames[1][2]
    library = [(kind, is_open) for kind, is_open, title in frames if "asgi_middleware" in title]
    assert library
    assert set(library) == {("library", "")}
    assert "price" in details(page, frames[0][2])  # the helper's locals show too


def test_the_request_tables_are_folded_below_and_masked() -> None:
    page = checkout_page()
    request = page[page.index("<h2>Request</h2>") : page.index("<h2>Versions")]
    assert "POST http://testserver/checkout?order=A-17&amp;access_token=(hidden) from " in request
    summaries = re.findall(r'<details class="request"><summary>(.*?)</summary>', request)
    assert summaries[:3] == ["Query parameters (2)", "Form fields (3)", "Cookies (2)"]
    assert summaries[3].startswith("Headers (")
    rows = {
        summary: re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", details(request, summary))
        for summary in summaries[:3]
    }
    assert rows == {
        "Query parameters (2)": [("order", "A-17"), ("access_token", "(hidden)")],
        "Form fields (3)": [("qty", "2"), ("discount", "ten"), ("password", "(hidden)")],
        "Cookies (2)": [("sessionid", "(hidden)"), ("theme", "(hidden)")],
    }
    for secret in ("tok-123456789", "hunter2-long", "sess-abcdef123", "dark-blue"):
        assert secret not in page  # nor in the frames' locals, the URL or the plain text


def test_a_form_the_app_did_not_parse_is_not_read_for_the_page() -> None:
    async def fails_first(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("before the body")

    received: list[Any] = []
    page = page_of(fails_first, receives=received, data={"password": "hunter2-long"})
    assert received == []
    assert f"Form fields: {html.escape(FORM_NOT_READ)}." in page
    assert "<summary>Form fields" not in page


def test_no_form_row_without_a_form_and_empty_tables_say_none() -> None:
    async def fails(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("no form here")

    client = TestClient(ServerErrorMiddleware(fails, debug=True), raise_server_exceptions=False)
    page = client.get("/", headers={"Accept": "text/html"}).text
    assert "Form fields" not in page
    assert '<p class="note">Query parameters: none.</p>' in page
    assert '<p class="note">Cookies: none.</p>' in page


def test_an_upload_is_described_never_read() -> None:
    scope: dict[str, Any] = {"type": "http", "method": "POST", "path": "/", "headers": []}
    scope[FORM_SCOPE_KEY] = FormData(
        [
            ("report", UploadFile(io.BytesIO(b"secret content"), filename="q3.csv", size=14)),
            (
                "scan",
                UploadFile(
                    io.BytesIO(), filename="a.pdf", headers=Headers({"content-type": "app/pdf"})
                ),
            ),
        ]
    )
    request = request_details(Request(scope), Redactor())
    form = next(table for table in request.tables if table.title == "Form fields")
    assert list(form.rows) == [
        ("report", "file 'q3.csv', no content type, 14 bytes"),
        ("scan", "file 'a.pdf', app/pdf, unknown size"),
    ]
    assert request.client == "unknown"


def test_python_and_package_versions_and_the_time_of_the_error() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    page = checkout_page()
    after = datetime.now(UTC)
    facts = dict(re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", versions_section(page)))
    assert facts["Python"].startswith(f"{platform.python_version()} (")
    assert f"asgi_middleware {middleware_version}" in facts["asgi-toolkit"]
    assert "asgi_requests " in facts["asgi-toolkit"]
    when = datetime.fromisoformat(facts["Time (UTC)"])
    assert when.utcoffset() == timedelta(0)
    assert before <= when <= after


def versions_section(page: str) -> str:
    start = page.index("<h2>Versions and time</h2>")
    return page[start : page.index("<details", start)]


def test_copy_as_text_copies_the_text_page_and_nothing_loads_from_the_network() -> None:
    page = checkout_page()
    text = page_of(checkout, accept="text/plain", data={"qty": "2", "discount": "ten"})
    copied = html.unescape(page.split('<pre id="debug-text">')[1].split("</pre>")[0])
    without_time = re.compile(r"^Time \(UTC\): .*$", re.MULTILINE)
    # What a client asking for text gets, but for the time.
    assert without_time.sub("", copied) == without_time.sub("", text)
    assert copied.startswith("500 Server Error for POST http://testserver/checkout?order=A-17")
    assert "Traceback (most recent call last):" in copied
    assert re.search(r"^Python: \d", copied, re.MULTILINE)
    assert "hunter2-long" not in copied
    # The button shows only once the script ran; without JS the text is there to select.
    assert '<button type="button" id="copy-text" hidden>Copy as text</button>' in page
    assert page.count("<script>") == 1
    assert 'getElementById("debug-text")' in page
    assert not re.search(r"\b(src|href)=", page)
    assert "<link" not in page


def test_the_text_page_ends_with_the_time_and_versions() -> None:
    text = debug_text(ValueError("x"), "GET /", when=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert text.startswith("500 Server Error for GET /\n\nValueError: x\n")
    assert "\nTime (UTC): 2024-05-06T07:08:09+00:00\nPython: " in text
    assert text.endswith(f"\nasgi-toolkit: {text.rpartition('asgi-toolkit: ')[2]}")


def test_a_page_without_a_request_still_shows_the_time() -> None:
    page = debug_html(KeyError("k"), when=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert '<p class="meta">2024-05-06T07:08:09+00:00<button' in page
    assert "<h2>Request</h2>" not in page
