import pytest

from asgi_responses import RedirectResponse
from asgi_tasks import BackgroundTask
from asgi_testclient import TestClient


def test_location_is_quoted_and_status_defaults_to_307() -> None:
    response = RedirectResponse("/a b/ü?x=1&y=ö#frag")
    assert response.status_code == 307
    assert response.headers["location"] == "/a%20b/%C3%BC?x=1&y=%C3%B6#frag"
    assert response.body == b""


def test_custom_status_headers_and_background() -> None:
    ran: list[int] = []
    response = RedirectResponse(
        "https://example.com/", 301, {"x": "1"}, BackgroundTask(ran.append, 1)
    )
    client = TestClient(response, follow_redirects=False)
    answer = client.get("/")
    assert (answer.status_code, answer.headers["location"], answer.headers["x"]) == (
        301,
        "https://example.com/",
        "1",
    )
    assert ran == [1]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " \tJava\nScript:x", "data:,x", "vbscript:x"]
)
def test_script_capable_schemes_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="which can run script"):
        RedirectResponse(url)


def test_a_url_without_a_scheme_or_with_another_is_kept() -> None:
    assert RedirectResponse("/a:b").headers["location"] == "/a:b"
    assert RedirectResponse("mailto:x@example.com").headers["location"] == "mailto:x@example.com"
