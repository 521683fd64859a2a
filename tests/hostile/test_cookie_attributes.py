"""set_cookie and delete_cookie never send an attribute the caller did not ask for.

Each free-text attribute (path, domain, a string expires) that would end itself and start
another (`;`), or corrupt the header (control characters), is a ValueError at the call, and
nothing is added to the response.
"""

from __future__ import annotations

import pytest

from asgi_responses import Response

INJECTIONS = [
    "/; Domain=evil.example",
    "/app;Secure",
    "/x\r\nSet-Cookie: evil=1",
    "/x\nSet-Cookie: evil=1",
    "/x\x00",
    "/x\x7f",
    "/x\tY",
]


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("attribute", ["path", "domain", "expires"])
def test_set_cookie_refuses_an_attribute_that_would_add_another(attribute: str, value: str) -> None:
    response = Response()
    before = list(response.raw_headers)
    with pytest.raises(ValueError, match=f"Cookie {attribute} .* which would change the header"):
        response.set_cookie("sid", "v", **{attribute: value})  # type: ignore[arg-type]
    assert response.raw_headers == before


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("attribute", ["path", "domain"])
def test_delete_cookie_refuses_them_too(attribute: str, value: str) -> None:
    response = Response()
    with pytest.raises(ValueError, match=f"Cookie {attribute}"):
        response.delete_cookie("sid", **{attribute: value})  # type: ignore[arg-type]
    assert not response.headers.getlist("set-cookie")


@pytest.mark.parametrize("domain", ["a.example,b.example", "a.example b.example"])
def test_a_domain_is_one_host_name(domain: str) -> None:
    with pytest.raises(ValueError, match="Cookie domain"):
        Response().set_cookie("sid", "v", domain=domain)


def test_ordinary_attributes_still_pass() -> None:
    response = Response()
    response.set_cookie(
        "sid",
        "v",
        path="/app/a,b",
        domain=".example.com",
        expires="Wed, 21 Oct 2037 07:28:00 GMT",
    )
    (cookie,) = response.headers.getlist("set-cookie")
    assert "Path=/app/a,b" in cookie
    assert "Domain=.example.com" in cookie
    assert "expires=Wed, 21 Oct 2037 07:28:00 GMT" in cookie
    assert cookie.count(";") == 4  # value; expires; Domain; Path; SameSite
