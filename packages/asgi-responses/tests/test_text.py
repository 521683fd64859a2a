import datetime
import sys
from typing import Any

import pytest

from asgi_responses import JSONResponse, NotJSONSerializable, ORJSONResponse, UJSONResponse


def test_ujson_and_orjson() -> None:
    assert UJSONResponse({"a": "é"}).body == '{"a":"é"}'.encode()
    assert ORJSONResponse({"a": 1}).body == b'{"a":1}'
    assert UJSONResponse({}).headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("cls", "module", "extra"),
    [(UJSONResponse, "ujson", "ujson"), (ORJSONResponse, "orjson", "orjson")],
)
def test_missing_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, cls: type, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(RuntimeError, match=rf"asgi-responses\[{extra}\]"):
        cls({})


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ({"when": datetime.datetime(2024, 1, 2)}, "Object of type datetime"),
        ({"tags": {"a"}}, "Object of type set"),
        ({(1, 2): "tuple key"}, "keys must be str"),
    ],
)
def test_content_without_a_json_form_names_its_type_and_the_conversion(
    content: Any, named: str
) -> None:
    with pytest.raises(NotJSONSerializable) as info:
        JSONResponse(content)
    assert isinstance(info.value, TypeError)  # what json raised, and code catches, before
    message = str(info.value)
    assert message.startswith("JSONResponse cannot encode its content: ")
    assert named in message
    assert ".isoformat()" in message
    assert "list()" in message
