"""Cookie edge cases beyond test_base: expiry datetimes in any zone, quoting, samesite case."""

import datetime as dt

import pytest

from asgi_responses import Response


def cookies_of(response: Response) -> list[str]:
    return response.headers.getlist("set-cookie")


def test_aware_expires_in_any_zone_is_sent_as_gmt() -> None:
    response = Response()
    plus_two = dt.timezone(dt.timedelta(hours=2))
    response.set_cookie("a", "b", expires=dt.datetime(2030, 1, 1, 2, 0, tzinfo=plus_two))
    assert "expires=Tue, 01 Jan 2030 00:00:00 GMT" in cookies_of(response)[0]


def test_naive_expires_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Response().set_cookie("a", "b", expires=dt.datetime(2030, 1, 1))


def test_values_that_need_quoting_cannot_inject_attributes() -> None:
    response = Response()
    response.set_cookie("a", 'x; Domain=evil.example\r\n"')
    (cookie,) = cookies_of(response)
    assert cookie.startswith('a="x\\073 Domain=evil.example\\015\\012\\""')
    assert "\r" not in cookie
    assert "\n" not in cookie


@pytest.mark.parametrize("samesite", ["Strict", "LAX", "None"])
def test_samesite_is_case_insensitive(samesite: str) -> None:
    response = Response()
    response.set_cookie("a", "b", samesite=samesite)  # type: ignore[arg-type]
    assert f"SameSite={samesite}" in cookies_of(response)[0]


def test_delete_cookie_keeps_scope_attributes() -> None:
    response = Response()
    response.delete_cookie("sid", path="/app", domain="example.com", secure=True, httponly=True)
    (cookie,) = cookies_of(response)
    for part in ('sid=""', "Max-Age=0", "Path=/app", "Domain=example.com", "Secure", "HttpOnly"):
        assert part in cookie


@pytest.mark.parametrize("partitioned", [False, True])
def test_delete_cookie_can_expire_a_partitioned_cookie(partitioned: bool) -> None:
    # A CHIPS cookie sits in its own jar: only an expiry that is partitioned too removes it.
    response = Response()
    response.delete_cookie("sid", secure=True, samesite="none", partitioned=partitioned)
    (cookie,) = cookies_of(response)
    assert ("Partitioned" in cookie) is partitioned
    assert "Max-Age=0" in cookie
