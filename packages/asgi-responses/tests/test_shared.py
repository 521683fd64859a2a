"""The default answer to an HTTPException, shared by the exception middleware and routers."""

from __future__ import annotations

import pytest

from asgi_protocol.exceptions import HTTPException
from asgi_responses._shared import NO_BODY_STATUS, http_exception_response


def test_detail_as_text_with_status_and_headers() -> None:
    response = http_exception_response(
        HTTPException(404, "no such item", headers={"x-why": "gone"})
    )
    assert (response.status_code, response.body) == (404, b"no such item")
    assert response.headers["x-why"] == "gone"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("status", sorted(NO_BODY_STATUS))
def test_no_body_where_none_is_allowed(status: int) -> None:
    response = http_exception_response(HTTPException(status))
    assert (response.status_code, response.body) == (status, b"")
    assert "content-length" not in response.headers
    assert "content-type" not in response.headers
