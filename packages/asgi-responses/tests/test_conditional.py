from __future__ import annotations

import pytest

from asgi_responses import is_not_modified

LM = "Wed, 21 Oct 2015 07:28:00 GMT"
RESPONSE = {"etag": '"abc"', "last-modified": LM}


@pytest.mark.parametrize(
    ("request_hdrs", "expected"),
    [
        ({"if-none-match": '"abc"'}, True),
        ({"if-none-match": 'W/"abc"'}, True),
        ({"if-none-match": '"x", "abc"'}, True),
        ({"if-none-match": "*"}, True),
        ({"if-none-match": '"other"'}, False),
        # If-None-Match decides alone when present, even if the date would match.
        ({"if-none-match": '"other"', "if-modified-since": LM}, False),
        ({"if-modified-since": LM}, True),
        ({"if-modified-since": "Thu, 22 Oct 2015 07:28:00 GMT"}, True),
        ({"if-modified-since": "Tue, 20 Oct 2015 07:28:00 GMT"}, False),
        ({"if-modified-since": "garbage"}, False),
        ({}, False),
    ],
)
def test_is_not_modified(request_hdrs: dict[str, str], expected: bool) -> None:
    assert is_not_modified(RESPONSE, request_hdrs) is expected


def test_weak_response_etag() -> None:
    assert is_not_modified({"etag": 'W/"abc"'}, {"if-none-match": '"abc"'})


def test_no_validators_on_response() -> None:
    assert not is_not_modified({}, {"if-none-match": '"abc"'})
    assert not is_not_modified({}, {"if-modified-since": LM})


def test_naive_date_mix_is_modified() -> None:
    # "-0000" parses to a naive datetime; comparing it with an aware one must not raise.
    assert not is_not_modified(
        {"last-modified": "Wed, 21 Oct 2015 07:28:00 -0000"}, {"if-modified-since": LM}
    )
