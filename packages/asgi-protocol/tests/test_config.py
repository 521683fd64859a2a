import re
from pathlib import Path

import pytest

from asgi_protocol.config import Config, Environ, EnvironError, undefined
from asgi_protocol.datastructures import CommaSeparatedStrings, Secret


def test_environment_then_file_then_default(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n\nFROM_FILE=file\nBOTH=file\nexport EXPORTED=yes\nQUOTED=\"a b\"\nSINGLE='c'\nnoequals\n"
    )
    config = Config(env_file, environ={"BOTH": "env"})
    assert config("FROM_FILE") == "file"
    assert config("BOTH") == "env"
    assert config("EXPORTED") == "yes"
    assert config("QUOTED") == "a b"
    assert config("SINGLE") == "c"
    assert config("MISSING", default="d") == "d"
    assert config("MISSING", default=None) is None
    assert config.get("MISSING", cast=int, default="5") == 5


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("1", True),
        ("YES", True),
        ("on", True),
        ("false", False),
        ("0", False),
        ("No", False),
        ("off", False),
    ],
)
def test_bool_strings(raw: str, expected: bool) -> None:
    assert Config(environ={"FLAG": raw})("FLAG", cast=bool) is expected


def test_casts() -> None:
    config = Config(environ={"N": "3", "S": "pw", "L": "a, b"})
    assert config("N", cast=int) == 3
    assert str(config("S", cast=Secret)) == "pw"
    assert list(config("L", cast=CommaSeparatedStrings)) == ["a", "b"]
    assert config("FLAG", cast=bool, default=True) is True


def test_missing_key_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match=re.escape("Config 'NOPE' is missing, and has no default.")):
        Config(environ={})("NOPE")


def test_bad_casts_name_the_key_and_value() -> None:
    config = Config(environ={"N": "three", "FLAG": "maybe"})
    with pytest.raises(
        ValueError, match=re.escape("Config 'N' has value 'three'. Not a valid int.")
    ):
        config("N", cast=int)
    with pytest.raises(
        ValueError, match=re.escape("Config 'FLAG' has value 'maybe'. Not a valid bool.")
    ):
        config("FLAG", cast=bool)
    with pytest.raises(ValueError, match="Not a valid <lambda>"):
        config("N", cast=lambda v: int(v))


def test_env_prefix() -> None:
    assert Config(environ={"APP_DEBUG": "1"}, env_prefix="APP_")("DEBUG", cast=bool) is True


def test_missing_env_file_warns() -> None:
    with pytest.warns(UserWarning, match="not found"):
        Config("/nonexistent/.env", environ={})


def test_environ_refuses_changes_after_a_read() -> None:
    backing = {"A": "1"}
    environ = Environ(backing)
    environ["B"] = "2"
    del environ["B"]
    assert environ["A"] == "1"
    with pytest.raises(EnvironError, match="already been read"):
        environ["A"] = "2"
    with pytest.raises(EnvironError, match="already been read"):
        del environ["A"]
    assert list(environ) == ["A"]
    assert len(environ) == 1
    assert repr(undefined) == "undefined"


def test_env_file_is_read_as_utf8_or_the_encoding_given(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MESSAGE=Hello 世界\n", encoding="utf-8")
    assert Config(env_file, environ={})("MESSAGE") == "Hello 世界"
    assert Config(env_file, environ={}, encoding="utf-8")("MESSAGE") == "Hello 世界"
    latin = tmp_path / "latin.env"
    latin.write_bytes("NAME=Andr\xe9\n".encode("latin-1"))
    assert Config(latin, environ={}, encoding="latin-1")("NAME") == "André"
