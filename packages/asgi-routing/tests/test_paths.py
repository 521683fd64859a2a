from __future__ import annotations

import pytest

from asgi_routing import IntegerConvertor, StringConvertor, compile_path


def test_static_path() -> None:
    regex, fmt, convertors = compile_path("/users/me")
    assert regex.fullmatch("/users/me")
    assert not regex.fullmatch("/users/meX")
    assert fmt == "/users/me"
    assert convertors == {}


def test_params() -> None:
    regex, fmt, convertors = compile_path("/users/{id:int}/posts/{slug}")
    found = regex.fullmatch("/users/12/posts/hello")
    assert found is not None
    assert found.groupdict() == {"id": "12", "slug": "hello"}
    assert fmt == "/users/{id}/posts/{slug}"
    assert isinstance(convertors["id"], IntegerConvertor)
    assert isinstance(convertors["slug"], StringConvertor)


def test_literal_text_is_escaped() -> None:
    regex, _, _ = compile_path("/file.txt")
    assert regex.fullmatch("/file.txt")
    assert not regex.fullmatch("/fileXtxt")


def test_host_pattern_drops_port() -> None:
    regex, fmt, convertors = compile_path("{sub}.example.org:8000")
    found = regex.fullmatch("api.example.org")
    assert found is not None
    assert found["sub"] == "api"
    assert fmt == "{sub}.example.org:8000"
    assert set(convertors) == {"sub"}


def test_host_pattern_ignores_case() -> None:
    regex, fmt, _ = compile_path("{sub}.Example.ORG")
    found = regex.fullmatch("api.example.org")
    assert found is not None
    assert found["sub"] == "api"
    assert fmt == "{sub}.Example.ORG"
    # Paths keep their case.
    assert not compile_path("/Users")[0].fullmatch("/users")


def test_unknown_convertor_names_path_and_param() -> None:
    with pytest.raises(ValueError, match=r"'nope'.*'id'.*'/u/\{id:nope\}'"):
        compile_path("/u/{id:nope}")


def test_duplicate_param() -> None:
    # Starlette's wording, the path unquoted.
    with pytest.raises(ValueError, match=r"^Duplicated param name id at path /a/\{id\}/b/\{id\}$"):
        compile_path("/a/{id}/b/{id}")


def test_duplicate_params_plural() -> None:
    with pytest.raises(ValueError, match="Duplicated param names a, b"):
        compile_path("/{a}/{b}/{a}/{b:int}")
