"""Upload file names: what `UploadFile.filename` gives the app is a name, never a path.

Whatever the client puts in `filename` or `filename*` (RFC 5987, decoded first), the name the
app sees holds no separator (nor a character that becomes or looks like one), no drive, no
control character, and is never `.`, `..` or another name of a directory. The client's own
value stays reachable on purpose, as `raw_filename` and in the part's headers.
"""

from __future__ import annotations

import io
import ntpath
import posixpath
import unicodedata
from typing import Any
from urllib.parse import quote

import pytest
from hostile_helpers import BOUNDARY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.datastructures import UploadFile
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse
from asgi_toolkit.routing import Route

CT = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
SLASH_LOOKALIKES = "\u2044\u2215\u2216\u27cb\u27cd\u29f5\u29f8\u29f9"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


async def names(request: Request) -> JSONResponse:
    async with request.form() as form:
        upload = form["f"]
        assert isinstance(upload, UploadFile)
        return JSONResponse(
            {
                "filename": upload.filename,
                "raw_filename": upload.raw_filename,
                "disposition": upload.headers["content-disposition"],
            }
        )


@pytest.fixture
def client() -> TestClient:
    return TestClient(App(routes=[Route("/", names, methods=["POST"])]))


def upload(client: TestClient, disposition: bytes) -> dict[str, Any]:
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; '.encode()
        + disposition
        + f"\r\n\r\ndata\r\n--{BOUNDARY}--\r\n".encode()
    )
    response = client.post("/", content=body, headers=CT)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def assert_only_a_name(name: str) -> None:
    """No platform, and no later NFKC normalisation, can read `name` as more than one name."""
    folded = unicodedata.normalize("NFKC", name)
    for text in (name, folded):
        assert "/" not in text, name
        assert "\\" not in text, name
        assert not any(unicodedata.category(c) == "Cc" for c in text), name
        assert not ntpath.splitdrive(text)[0], name
        assert posixpath.basename(text) == ntpath.basename(text) == text, name
    assert not any(c in SLASH_LOOKALIKES or c in BIDI_CONTROLS for c in name), name
    # "", or a name that is not "." or ".." (nor one Windows trims to "": dots and spaces only)
    assert name == "" or folded.replace(".", "").strip(), name
    assert posixpath.normpath(posixpath.join("/uploads", name or "x")).startswith("/uploads/")


@pytest.mark.parametrize(
    ("sent", "exposed"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Windows\\win.ini", "win.ini"),
        ("/etc/passwd", "passwd"),
        ("C:evil.txt", "evil.txt"),  # relative to drive C's current directory on Windows
        ("C:C:evil.txt", "evil.txt"),
        ("\uff23\uff1aevil.txt", "evil.txt"),  # fullwidth C: is C: under NFKC
        ("C:", ""),
        (".", ""),
        ("..", ""),
        ("...", ""),  # Windows trims trailing dots: the directory itself
        (". .", ""),
        ("uploads/..", ""),
        ("dir/", ""),
        ("", ""),
        ("..\uff0f..\uff0fetc\uff0fpasswd", "passwd"),  # fullwidth solidus: "/" under NFKC
        ("..\uff3c..\uff3cwin.ini", "win.ini"),  # fullwidth reverse solidus
        ("..\ufe68win.ini", "win.ini"),  # small reverse solidus
        ("..\u2215..\u2215etc\u2215passwd", "passwd"),  # division slash
        ("..\u2044passwd", "passwd"),  # fraction slash
        ("..\u29f8passwd", "passwd"),  # big solidus
        ("\u2100passwd", "passwd"),  # ACCOUNT OF, "a/c" under NFKC
        ("\uff0e\uff0e", ""),  # fullwidth full stops: ".." under NFKC
        ("\u2025", ""),  # two dot leader: ".." under NFKC
        ("\u202egnp.exe", "gnp.exe"),  # right-to-left override: displays as exe.png
        ("a\x7fb\x85c.txt", "abc.txt"),  # DEL and a C1 control
        ("a\tb.txt", "ab.txt"),
    ],
)
def test_plain_filename_exposes_only_a_name(client: TestClient, sent: str, exposed: str) -> None:
    quoted = sent.replace("\\", "\\\\").replace('"', '\\"')
    result = upload(client, f'filename="{quoted}"'.encode())
    assert result["filename"] == exposed
    assert result["raw_filename"] == sent
    assert_only_a_name(result["filename"])


@pytest.mark.parametrize(
    ("encoded", "exposed"),
    [
        ("..%2F..%2Fetc%2Fpasswd", "passwd"),
        ("..%5C..%5Cboot.ini", "boot.ini"),
        ("%2E%2E", ""),
        ("%2e", ""),
        ("a%00b.txt", "ab.txt"),  # NUL
        ("a%0D%0Ab.txt", "ab.txt"),  # CR LF
        ("evil%0A..%2F.txt", ".txt"),
        ("..%EF%BC%8Fpasswd", "passwd"),  # U+FF0F in UTF-8
        ("..%E2%88%95passwd", "passwd"),  # U+2215 in UTF-8
        ("%E2%80%AEgnp.exe", "gnp.exe"),  # U+202E in UTF-8
        ("C%3Aevil.txt", "evil.txt"),
        ("a%252Fb", "a%2Fb"),  # decoded once: the rest is literal text, not a separator
    ],
)
def test_filename_star_is_decoded_then_exposes_only_a_name(
    client: TestClient, encoded: str, exposed: str
) -> None:
    result = upload(client, f"filename=\"fallback.txt\"; filename*=UTF-8''{encoded}".encode())
    assert result["filename"] == exposed
    assert_only_a_name(result["filename"])


def test_the_raw_value_stays_reachable_on_purpose(client: TestClient) -> None:
    result = upload(client, b"filename*=UTF-8''..%2F..%2Fetc%2Fp%C3%A4sswd")
    assert result == {
        "filename": "pässwd",
        "raw_filename": "../../etc/pässwd",  # decoded, nothing else done
        "disposition": "form-data; name=\"f\"; filename*=UTF-8''..%2F..%2Fetc%2Fp%C3%A4sswd",
    }


@pytest.mark.parametrize(
    "name",
    [
        "report.pdf",
        "my file (1).tar.gz",
        ".bashrc",
        "a..b.txt",
        "file.",
        " leading and trailing ",
        "文書.txt",
        "Ünïcödé ✓.txt",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467.png",  # a ZWJ emoji sequence stays whole
        "שלום.txt",
        "meeting notes: q3.pdf",  # a colon past the start is not a drive
        "100%.txt",
        "a;b=c.txt",
    ],
)
def test_ordinary_names_are_kept_as_sent(client: TestClient, name: str) -> None:
    quoted = name.replace('"', '\\"')
    assert upload(client, f'filename="{quoted}"'.encode())["filename"] == name
    star = f"filename*=UTF-8''{quote(name, safe='')}".encode()
    assert upload(client, star)["filename"] == name


def test_a_filename_star_that_does_not_decode_falls_back_to_filename(client: TestClient) -> None:
    # %C0%AF is an overlong "/" (invalid UTF-8): refused, never read as a separator.
    result = upload(client, b"filename=\"../safe.txt\"; filename*=UTF-8''..%C0%AFetc")
    assert result["filename"] == "safe.txt"
    assert result["raw_filename"] == "../safe.txt"


def test_an_upload_file_made_by_hand_follows_the_same_rule() -> None:
    upload_file = UploadFile(io.BytesIO(), filename="../../etc/passwd")
    assert (upload_file.filename, upload_file.raw_filename) == ("passwd", "../../etc/passwd")
    upload_file.filename = "..\\x\\..\\y.txt"
    assert (upload_file.filename, upload_file.raw_filename) == ("y.txt", "..\\x\\..\\y.txt")
    upload_file.filename = None
    assert (upload_file.filename, upload_file.raw_filename) == (None, None)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_name_becomes_only_a_name(sent: str) -> None:
    assert_only_a_name(UploadFile(io.BytesIO(), filename=sent).filename or "")


separatorish = st.sampled_from(["/", "\\", ".", "..", ":", "C:", "\x00", "\uff0f", "\uff0e"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(separatorish, st.text(max_size=3)), max_size=12).map("".join))
def test_names_built_from_path_pieces_become_only_a_name(sent: str) -> None:
    exposed = UploadFile(io.BytesIO(), filename=sent).filename
    assert exposed is not None
    assert_only_a_name(exposed)
