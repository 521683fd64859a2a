"""The names RFC 9110 replaced still answer, with a warning that names the new one."""

import pytest

from asgi_protocol import status
from asgi_protocol.exceptions import ToolkitDeprecationWarning


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("HTTP_413_REQUEST_ENTITY_TOO_LARGE", "HTTP_413_CONTENT_TOO_LARGE", 413),
        ("HTTP_414_REQUEST_URI_TOO_LONG", "HTTP_414_URI_TOO_LONG", 414),
        ("HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE", "HTTP_416_RANGE_NOT_SATISFIABLE", 416),
        ("HTTP_422_UNPROCESSABLE_ENTITY", "HTTP_422_UNPROCESSABLE_CONTENT", 422),
    ],
)
def test_old_names_warn_and_answer(old: str, new: str, value: int) -> None:
    with pytest.warns(ToolkitDeprecationWarning) as record:
        assert getattr(status, old) == value == getattr(status, new)
    assert len(record) == 1
    assert str(record[0].message) == f"{old!r} is deprecated. Use {new!r} instead."
    # The warning points at the code that used the name, not at the status module.
    assert record[0].filename == __file__


def test_old_names_are_listed_but_not_exported() -> None:
    assert "HTTP_422_UNPROCESSABLE_ENTITY" in dir(status)
    assert "HTTP_422_UNPROCESSABLE_ENTITY" not in status.__all__
    assert "HTTP_422_UNPROCESSABLE_ENTITY" not in vars(status)


def test_unknown_name_is_an_attribute_error_naming_the_module() -> None:
    with pytest.raises(
        AttributeError, match="module 'asgi_protocol.status' has no attribute 'HTTP_999_NOPE'"
    ):
        getattr(status, "HTTP_999_NOPE")  # noqa: B009 - the name is unknown on purpose
