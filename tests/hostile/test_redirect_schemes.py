"""RedirectResponse never sends a Location a browser would run as script."""

from __future__ import annotations

import pytest

from asgi_responses import RedirectResponse, Response

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "\x00\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\r\nscript:alert(1)",
    "\tvbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_script_schemes_are_refused(url: str) -> None:
    with pytest.raises(
        ValueError, match="Refusing to redirect to a (javascript|vbscript|data): URL"
    ):
        RedirectResponse(url)


@pytest.mark.parametrize(
    "url",
    [
        "/next",
        "https://example.com/path?x=javascript:1",
        "//example.com/x",
        "mailto:someone@example.com",
        "javascriptish/page",
        "./javascript:notascheme",
    ],
)
def test_other_locations_are_kept(url: str) -> None:
    assert RedirectResponse(url).headers["location"]


def test_a_plain_response_can_still_send_any_location_on_purpose() -> None:
    response = Response(status_code=302, headers={"location": "data:text/plain,hello"})
    assert response.headers["location"] == "data:text/plain,hello"
