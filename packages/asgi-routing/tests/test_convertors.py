from __future__ import annotations

import uuid
from typing import Any

import pytest
from routing_driver import http

from asgi_responses import PlainTextResponse
from asgi_routing import (
    CONVERTOR_TYPES,
    Convertor,
    FloatConvertor,
    IntegerConvertor,
    PathConvertor,
    PathParamError,
    Route,
    Router,
    StringConvertor,
    UUIDConvertor,
    register_url_convertor,
)


def test_string_convertor() -> None:
    c = StringConvertor()
    assert c.convert("abc") == "abc"
    assert c.to_string("abc") == "abc"
    with pytest.raises(ValueError, match="path separator"):
        c.to_string("a/b")
    with pytest.raises(ValueError, match="empty"):
        c.to_string("")


def test_bad_values_raise_path_param_error_also_an_assertion_error() -> None:
    # Starlette's convertors assert: code catching AssertionError keeps working.
    with pytest.raises(PathParamError) as info:
        StringConvertor().to_string("a/b")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, AssertionError)
    with pytest.raises(AssertionError):
        IntegerConvertor().to_string(-1)
    with pytest.raises(AssertionError):
        FloatConvertor().to_string(float("nan"))


def test_path_convertor() -> None:
    c = PathConvertor()
    assert c.convert("a/b") == "a/b"
    assert c.to_string("a/b") == "a/b"


def test_integer_convertor() -> None:
    c = IntegerConvertor()
    assert c.convert("42") == 42
    assert c.to_string(42) == "42"
    with pytest.raises(ValueError, match="negative"):
        c.to_string(-1)


def test_float_convertor() -> None:
    c = FloatConvertor()
    assert c.convert("1.5") == 1.5
    assert c.to_string(1.5) == "1.5"
    assert c.to_string(2.0) == "2"
    with pytest.raises(ValueError, match="negative"):
        c.to_string(-0.5)
    with pytest.raises(ValueError, match="NaN"):
        c.to_string(float("nan"))
    with pytest.raises(ValueError, match="infinity"):
        c.to_string(float("inf"))


def test_uuid_convertor() -> None:
    c = UUIDConvertor()
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert c.convert(str(value)) == value
    assert c.to_string(value) == str(value)


@pytest.mark.parametrize(
    ("convertor", "value", "expected"),
    [
        (IntegerConvertor(), "abc", "must be an int, got 'abc'"),
        (IntegerConvertor(), None, "must be an int, got None"),
        (IntegerConvertor(), 1.5, "must be an int, got 1.5"),  # int() would write "1"
        (FloatConvertor(), "abc", "must be a float, got 'abc'"),
        (FloatConvertor(), [1.5], "must be a float, got [1.5]"),
        (UUIDConvertor(), "abc", "must be a UUID, got 'abc'"),
        (UUIDConvertor(), 5, "must be a UUID, got 5"),
        (StringConvertor(), None, "must be a str, got None"),  # not "/users/None"
        (PathConvertor(), None, "must be a str, got None"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_type_expected(
    convertor: Convertor[Any], value: Any, expected: str
) -> None:
    with pytest.raises(PathParamError) as info:
        convertor.to_string(value)
    assert str(info.value) == expected
    assert isinstance(info.value, ValueError)  # int("abc") raised one before


def test_values_that_spell_the_type_are_written() -> None:
    assert IntegerConvertor().to_string("5") == "5"  # type: ignore[arg-type]
    assert IntegerConvertor().to_string(2.0) == "2"  # type: ignore[arg-type]
    assert FloatConvertor().to_string("1.5") == "1.5"  # type: ignore[arg-type]
    dashless = "12345678123456781234567812345678"
    assert UUIDConvertor().to_string(dashless.upper()) == dashless.upper()  # type: ignore[arg-type]
    assert StringConvertor().to_string(7) == "7"  # type: ignore[arg-type]


def test_builtin_types() -> None:
    assert set(CONVERTOR_TYPES) >= {"str", "path", "int", "float", "uuid"}


class DateConvertor(Convertor[tuple[int, int, int]]):
    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def convert(self, value: str) -> tuple[int, int, int]:
        year, month, day = value.split("-")
        return int(year), int(month), int(day)

    def to_string(self, value: tuple[int, int, int]) -> str:
        year, month, day = value
        return f"{year:04d}-{month:02d}-{day:02d}"


async def test_register_url_convertor() -> None:
    register_url_convertor("date", DateConvertor())
    try:
        seen: list[Any] = []

        async def day(request: Any) -> PlainTextResponse:
            seen.append(request.path_params["day"])
            return PlainTextResponse("ok")

        router = Router([Route("/day/{day:date}", day, name="day")])
        reply = await http(router, path="/day/2024-02-29")
        assert reply.status == 200
        assert seen == [(2024, 2, 29)]
        assert (await http(router, path="/day/2024-2-29")).status == 404
        assert router.url_path_for("day", day=(2024, 1, 5)) == "/day/2024-01-05"
    finally:
        del CONVERTOR_TYPES["date"]


async def test_typed_params_are_converted() -> None:
    seen: list[Any] = []

    async def endpoint(request: Any) -> PlainTextResponse:
        seen.append(dict(request.path_params))
        return PlainTextResponse("ok")

    u = "12345678-1234-5678-1234-567812345678"
    router = Router(
        [
            Route("/i/{v:int}", endpoint),
            Route("/f/{v:float}", endpoint),
            Route("/u/{v:uuid}", endpoint),
            Route("/p/{v:path}", endpoint),
            Route("/s/{v}", endpoint),
        ]
    )
    for path in ("/i/7", "/f/2.5", f"/u/{u}", "/p/a/b/c", "/s/x"):
        assert (await http(router, path=path)).status == 200
    assert seen == [
        {"v": 7},
        {"v": 2.5},
        {"v": uuid.UUID(u)},
        {"v": "a/b/c"},
        {"v": "x"},
    ]
    assert (await http(router, path="/i/x")).status == 404
    assert (await http(router, path="/u/not-a-uuid")).status == 404
    assert (await http(router, path="/s/a/b")).status == 404


async def test_uuid_matches_with_or_without_dashes_in_either_case() -> None:
    seen: list[Any] = []

    async def endpoint(request: Any) -> PlainTextResponse:
        seen.append(request.path_params["v"])
        return PlainTextResponse("ok")

    router = Router([Route("/u/{v:uuid}", endpoint)])
    for raw in (
        "00000000-aaaa-ffff-9999-000000000000",
        "00000000aaaaffff9999000000000000",
        "00000000-AAAA-FFFF-9999-000000000000",
        "00000000AAAAFFFF9999000000000000",
    ):
        assert (await http(router, path=f"/u/{raw}")).status == 200
    assert seen == [uuid.UUID("00000000-aaaa-ffff-9999-000000000000")] * 4
    # 31 digits is not a UUID.
    assert (await http(router, path="/u/00000000aaaaffff999900000000000")).status == 404
