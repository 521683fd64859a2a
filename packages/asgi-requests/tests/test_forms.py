import sys
from tempfile import SpooledTemporaryFile
from typing import Any

import pytest

from asgi_protocol.datastructures import UploadFile
from asgi_protocol.types import Receive, Scope, Send
from asgi_requests import (
    FORM_SCOPE_KEY,
    FormError,
    MultipartNotInstalled,
    Request,
    formparsers,
    parse_options_header,
)
from asgi_testclient import TestClient


def form_app(**limits: Any) -> Any:
    """An app answering with what it parsed, or the FormError's status and reason."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            async with request.form(**limits) as form:
                parsed: list[list[Any]] = []
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        data = await value.read()
                        parsed.append(
                            [key, value.filename, value.content_type, data.decode(), value.size]
                        )
                    else:
                        parsed.append([key, value])
                status, body = 200, repr(parsed).encode()
        except FormError as exc:
            status, body = exc.status_code, exc.detail.encode()
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def multipart(*parts: bytes, boundary: bytes = b"B") -> tuple[bytes, dict[str, str]]:
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary + b"--\r\n"
    return body, {"content-type": "multipart/form-data; boundary=" + boundary.decode()}


def test_urlencoded_form() -> None:
    client = TestClient(form_app())
    response = client.post("/", data={"a": "1", "name": "Jürgen M", "blank": ""})
    assert response.status_code == 200
    assert response.content.decode() == "[['a', '1'], ['name', 'Jürgen M'], ['blank', '']]"


def test_urlencoded_runs_of_separators_hold_no_field() -> None:
    client = TestClient(form_app(max_fields=2))
    response = client.post(
        "/",
        content=b"&&a=1&&&&" + b"&" * 100_000 + b"b=2&&",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.text == "[['a', '1'], ['b', '2']]"


def test_urlencoded_limits() -> None:
    client = TestClient(form_app(max_fields=2, max_part_size=5))
    too_many = client.post(
        "/", content=b"a=1&b=2&c=3", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert (too_many.status_code, too_many.text) == (
        400,
        "Too many fields. Maximum number of fields is 2.",
    )
    too_big = client.post("/", data={"a": "123456"})
    assert too_big.status_code == 400
    assert too_big.text == "Field exceeded maximum size of 5 bytes."


def test_multipart_fields_and_files() -> None:
    client = TestClient(form_app())
    response = client.post(
        "/",
        data={"field": "value"},
        files={"upload": ("hello.txt", b"file body", "text/plain")},
    )
    assert response.status_code == 200
    assert (
        response.text
        == "[['field', 'value'], ['upload', 'hello.txt', 'text/plain', 'file body', 9]]"
    )


def test_unknown_content_type_gives_an_empty_form() -> None:
    response = TestClient(form_app()).post(
        "/", content=b"{}", headers={"content-type": "application/json"}
    )
    assert response.text == "[]"


def test_a_content_disposition_of_many_parameters_is_refused() -> None:
    client = TestClient(form_app())
    most = formparsers.MAX_DISPOSITION_PARAMETERS - 1  # and the one before name=
    fine, headers = multipart(
        b'Content-Disposition: form-data; name="a"' + b"; x=1" * most + b"\r\n\r\n"
    )
    assert client.post("/", content=fine, headers=headers).text == "[['a', '']]"
    flood, headers = multipart(
        b'Content-Disposition: form-data; name="a"' + b";" * (most + 1) + b"\r\n\r\n"
    )
    response = client.post("/", content=flood, headers=headers)
    assert (response.status_code, response.text) == (
        400,
        "Too many parameters in a part's Content-Disposition header.",
    )


def test_filename_star_is_decoded_and_only_the_basename_is_kept() -> None:
    body, headers = multipart(
        b'Content-Disposition: form-data; name="f"; filename="fallback.txt"; '
        b"filename*=UTF-8''..%2F..%2Fetc%2Fp%C3%A4sswd\r\n\r\nx",
        b'Content-Disposition: form-data; name="g"; filename="C:\\\\dir\\\\a.txt"\r\n\r\ny',
        b"Content-Disposition: form-data; name=\"h\"; filename*=bogus-charset''x.txt\r\n\r\nz",
    )
    response = TestClient(form_app()).post("/", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert "['f', 'pässwd', None, 'x', 1]" in response.content.decode()
    assert "['g', 'a.txt', None, 'y', 1]" in response.text
    assert "['h', None, None, 'z', 1]" in response.text


@pytest.mark.parametrize(
    ("limits", "files", "data", "reason"),
    [
        (
            {"max_files": 1},
            {"a": ("a", b"1"), "b": ("b", b"2")},
            {},
            "Too many files. Maximum number of files is 1.",
        ),
        (
            {"max_fields": 1},
            None,
            {"a": "1", "b": "2"},
            "Too many fields. Maximum number of fields is 1.",
        ),
        ({"max_part_size": 4}, None, {"a": "12345"}, "Part exceeded maximum size of 4 bytes."),
        (
            {"max_part_size": 4},
            {"a": (None, b"12345")},
            {},
            "Part exceeded maximum size of 4 bytes.",
        ),
        (
            {"max_file_size": 3},
            {"f": ("f.bin", b"1234")},
            {},
            "File exceeded maximum size of 3 bytes.",
        ),
    ],
)
def test_multipart_limits_answer_400_with_a_reason(
    limits: dict[str, int], files: Any, data: dict[str, str], reason: str
) -> None:
    client = TestClient(form_app(**limits))
    if files is None:
        # force multipart even without files
        body, headers = multipart(
            *[
                f'Content-Disposition: form-data; name="{k}"\r\n\r\n{v}'.encode()
                for k, v in data.items()
            ]
        )
        response = client.post("/", content=body, headers=headers)
    else:
        response = client.post("/", data=data, files=files)
    assert (response.status_code, response.text) == (400, reason)


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        (
            "multipart/form-data",
            b"--B--\r\n",
            "Missing boundary in multipart.",
        ),
        (
            "multipart/form-data; boundary=" + "x" * 80,
            b"",
            "Malformed boundary in multipart/form-data content type.",
        ),
        (
            "multipart/form-data; boundary=B",
            b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc',
            "Truncated multipart body: the closing boundary is missing.",
        ),
        (
            "multipart/form-data; boundary=B",
            b"--B\r\nContent-Type: text/plain\r\n\r\nabc\r\n--B--\r\n",
            'The Content-Disposition header field "name" must be provided.',
        ),
        (
            "multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--B--\r\n",
            'The Content-Disposition header field "name" must be provided.',
        ),
    ],
)
def test_malformed_multipart_bodies(content_type: str, body: bytes, reason: str) -> None:
    response = TestClient(form_app()).post(
        "/", content=body, headers={"content-type": content_type}
    )
    assert (response.status_code, response.text) == (400, reason)


def test_garbage_and_header_floods_are_malformed() -> None:
    client = TestClient(form_app())
    garbage = client.post(
        "/",
        content=b"not multipart at all",
        headers={"content-type": "multipart/form-data; boundary=B"},
    )
    assert garbage.status_code == 400
    flood = b"--B\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(100))
    flood += b'Content-Disposition: form-data; name="a"\r\n\r\nv\r\n--B--\r\n'
    response = client.post(
        "/", content=flood, headers={"content-type": "multipart/form-data; boundary=B"}
    )
    assert response.status_code == 400
    assert response.text == "Invalid multipart data."


def test_files_are_closed_when_parsing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[SpooledTemporaryFile[bytes]] = []

    def spy(**kwargs: Any) -> SpooledTemporaryFile[bytes]:
        spool = SpooledTemporaryFile[bytes](**kwargs)
        created.append(spool)
        return spool

    body, headers = multipart(
        b'Content-Disposition: form-data; name="f"; filename="a"\r\n\r\nfirst',
        b'Content-Disposition: form-data; name="g"; filename="b"\r\n\r\nsecond',
    )
    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", spy)
    response = TestClient(form_app(max_files=1)).post("/", content=body, headers=headers)
    assert response.status_code == 400
    assert created
    assert all(spool.closed for spool in created)


def test_form_awaited_directly_and_request_close() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        form = await request.form()
        again = await request.form()
        upload = form["f"]
        assert isinstance(upload, UploadFile)
        await request.close()
        status = 200 if form is again and upload.file.closed else 500
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    response = TestClient(app).post("/", files={"f": ("a", b"1")})
    assert response.status_code == 200


def test_the_parsed_form_is_left_in_the_scope_for_those_without_the_request() -> None:
    seen: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        before = FORM_SCOPE_KEY in scope
        form = await Request(scope, receive).form()
        # Another Request on the scope (the debug page's) finds it without reading the body.
        seen.extend([before, scope[FORM_SCOPE_KEY] is form, list(form.multi_items())])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    assert TestClient(app).post("/", data={"a": "1"}).status_code == 204
    assert seen == [False, True, [("a", "1")]]


def test_close_without_a_form_is_harmless() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await Request(scope, receive).close()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    assert TestClient(app).get("/").status_code == 204


def test_missing_python_multipart_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "python_multipart", None)
    monkeypatch.setitem(sys.modules, "python_multipart.multipart", None)
    client = TestClient(form_app())
    with pytest.raises(MultipartNotInstalled, match=r"asgi-requests\[multipart\]"):
        client.post("/", files={"f": ("a", b"1")})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html", ("text/html", {})),
        (
            'Multipart/Form-Data; Boundary="a;b"; junk; =x; q="\\"quoted\\""',
            ("multipart/form-data", {"boundary": "a;b", "q": '"quoted"'}),
        ),
        ("a/b; x=1; x=2", ("a/b", {"x": "1"})),
        ("", ("", {})),
    ],
)
def test_parse_options_header(header: str, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_options_header(header) == expected
