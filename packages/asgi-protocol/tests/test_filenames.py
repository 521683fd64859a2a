import io
import sys
import unicodedata

import pytest

from asgi_protocol._filenames import _COLONS, _SEPARATORS, safe_filename
from asgi_protocol.datastructures import UploadFile


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\dir\\a.txt", "a.txt"),
        ("..\uff0fa\u2215b", "b"),
        ("a\x00b\x1f\x7f\x9f\u202e.txt", "ab.txt"),
        ("C:a.txt", "a.txt"),
        ("1:2:a.txt", "a.txt"),
        ("\uff23\uff1aa.txt", "a.txt"),
        ("C\u0301:a.txt", "a.txt"),  # C + combining acute: NFKC composes it into one letter
        ("\u2a74a.txt", "a.txt"),  # NFKC "::=a.txt": a drive ":" + ":"
        ("notes: q3.txt", "notes: q3.txt"),
        ("..", ""),
        ("\u2025", ""),
        (". \u3000.", ""),
        ("", ""),
        ("C:", ""),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_every_character_nfkc_turns_into_a_separator_or_colon_is_one() -> None:
    # The tables are written out (computing them would cost every import a pass over Unicode);
    # this keeps them complete for the Python running the tests.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if "/" in folded or "\\" in folded:
            assert _SEPARATORS.fullmatch(char), hex(code)
        if ":" in folded:
            assert _COLONS.fullmatch(char), hex(code)


def test_a_long_run_of_drives_is_cheap() -> None:
    assert safe_filename("C:" * 4000 + "a.txt") == "a.txt"


def test_upload_file_exposes_the_safe_name_and_keeps_the_raw_one() -> None:
    upload = UploadFile(io.BytesIO(), filename="../a.txt")
    assert (upload.filename, upload.raw_filename) == ("a.txt", "../a.txt")
    assert repr(upload).startswith("UploadFile(filename='a.txt',")
    upload.filename = None
    assert (upload.filename, upload.raw_filename) == (None, None)


def test_a_drive_as_written_goes_even_where_nfkc_spells_it_otherwise() -> None:
    # NFKC turns a cedilla into a space and a combining mark; to Windows it is still a drive.
    assert safe_filename("\u00b8:evil.txt") == "evil.txt"
    assert safe_filename("\u00b8:") == ""
