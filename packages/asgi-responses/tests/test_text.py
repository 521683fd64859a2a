import sys

import pytest

from asgi_responses import ORJSONResponse, UJSONResponse


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
