"""The debug page's one credential rule: masked by name where they sit, struck by value elsewhere."""

import base64
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pytest

from asgi_middleware._redact import HIDDEN, MAX_DEPTH, Redactor, is_secret_name
from asgi_protocol.datastructures import Headers, MutableHeaders, QueryParams

SECRET = "s3cr3t-value"


@pytest.mark.parametrize(
    "name",
    ["Authorization", "proxy-authorization", b"cookie", "Set-Cookie", "password", "db_passwd",
     "api_key", "SECRET", "token", "csrftoken", "sessionid", "pwd", "credentials"],
)  # fmt: skip
def test_secret_names(name: str | bytes) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["user", b"content-type", "host", 7, None, "order"])
def test_ordinary_names(name: object) -> None:
    assert not is_secret_name(name)


def test_header_rows_hide_credentials_and_learn_them() -> None:
    redactor = Redactor()
    rows = redactor.rows([("Authorization", f"Bearer {SECRET}"), ("Accept", "text/html")])
    assert rows == [("Authorization", HIDDEN), ("Accept", "text/html")]
    assert redactor.scrub(f"token was {SECRET}!") == f"token was {HIDDEN}!"


def test_the_secrets_inside_credential_headers_are_learnt() -> None:
    redactor = Redactor()
    basic = base64.b64encode(b"alice:open-sesame").decode()
    redactor.rows(
        [
            ("Cookie", "sid=cookie-one; theme=cookie-two"),
            ("Set-Cookie", "next=cookie-three; Path=/"),
            ("Proxy-Authorization", f"Basic {basic}"),
            ("X-Auth", "Basic not*base64"),
            ("Authorization", "Basic " + base64.b64encode(b"\xff\xfe-bytes").decode()),
        ]
    )
    text = redactor.scrub("cookie-one cookie-two cookie-three alice:open-sesame open-sesame")
    assert text == " ".join([HIDDEN] * 5)


def test_short_values_are_masked_where_they_sit_only() -> None:
    redactor = Redactor()
    assert redactor.named("password", "abc") == HIDDEN
    assert redactor.scrub("abc") == "abc"  # too short to strike from every text


def test_query_parameters_with_credential_names_are_hidden_and_learnt() -> None:
    redactor = Redactor()
    rows = redactor.rows([("access_token", SECRET), ("page", "visible-page")])
    assert rows == [("access_token", HIDDEN), ("page", "visible-page")]
    assert redactor.scrub(f"?access_token={SECRET}&page=visible-page") == (
        f"?access_token={HIDDEN}&page=visible-page"
    )


def test_named_values() -> None:
    redactor = Redactor()
    assert redactor.named("api_key", SECRET) == HIDDEN
    assert redactor.named("user", "alice") == "'alice'"
    assert redactor.scrub(repr(SECRET.encode())) == f"b'{HIDDEN}'"


def test_scrub_strikes_every_spelling_longest_first() -> None:
    redactor = Redactor()
    assert redactor.scrub("nothing learnt") == "nothing learnt"
    quoted = "it's\nhere"
    redactor.learn([quoted, "héllo-world", b"\xffraw-bytes", "short-secret", "short-secret-longer"])
    assert redactor.scrub(repr(quoted)) == f'"{HIDDEN}"'
    assert redactor.scrub(repr("héllo-world".encode())) == f"b'{HIDDEN}'"
    assert redactor.scrub(repr(b"\xffraw-bytes")) == f"b'{HIDDEN}'"
    assert redactor.scrub("short-secret-longer") == HIDDEN


class Point(NamedTuple):
    user: str
    token: str


@dataclass
class Login:
    user: str
    password: str
    hidden_from_repr: str = field(default="not-shown", repr=False)


def test_containers_are_masked_by_name_however_nested() -> None:
    redactor = Redactor()
    value = {
        "user": "alice",
        "auth": {"anything": SECRET},
        "headers": [(b"authorization", b"Bearer x-secret-1"), (b"accept", b"*/*")],
        "nested": {"deeper": [{"db_password": "x-secret-2"}]},
        "tuple": ("one",),
        "pairs": (("token", "x-secret-3"), ("name", "visible")),
        "set": {"a"},
        "empty": frozenset(),
        "point": Point("bob", "x-secret-4"),
        "login": Login("carol", "x-secret-5"),
        7: None,
    }
    text = redactor.mask(value)
    for secret in (SECRET, "x-secret-1", "x-secret-2", "x-secret-3", "x-secret-4", "x-secret-5"):
        assert secret not in text
        assert redactor.scrub(secret) == HIDDEN
    assert "'user': 'alice'" in text
    assert "(b'accept', b'*/*')" in text
    assert "'tuple': ('one',)" in text
    assert "'set': set({'a'})" in text
    assert "'empty': frozenset()" in text
    assert "Point(user='bob', token=(hidden))" in text
    assert "Login(user='carol', password=(hidden))" in text
    assert "not-shown" not in text
    assert "7: None" in text


def test_headers_and_query_params_keep_their_type_and_repeats() -> None:
    redactor = Redactor()
    headers = MutableHeaders(
        raw=[(b"set-cookie", b"a=x-secret-6"), (b"vary", b"a"), (b"vary", b"b")]
    )
    assert redactor.mask(headers) == (
        "MutableHeaders({'set-cookie': (hidden), 'vary': 'a', 'vary': 'b'})"
    )
    assert redactor.mask(Headers({"x": "1"})) == "Headers({'x': '1'})"
    query = QueryParams("a=1&a=2&token=x-secret-7")
    assert redactor.mask(query) == "QueryParams({'a': '1', 'a': '2', 'token': (hidden)})"


def test_cycles_and_depth_are_bounded() -> None:
    redactor = Redactor()
    loop: list[Any] = ["x"]
    loop.append(loop)
    assert redactor.mask(loop) == "['x', …]"
    deep: Any = "bottom"
    for _ in range(MAX_DEPTH + 2):
        deep = [deep]
    assert "bottom" not in redactor.mask(deep)
    assert redactor.mask(deep).count("[") == MAX_DEPTH
    # Learning walks no cycle forever either, nor deeper than MAX_DEPTH.
    redactor.learn({"a": loop, "deep": deep})
    assert redactor.scrub("bottom") == "bottom"


class Client:
    """An object whose own repr shows its key: only scrubbing can hide it."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.settings = {"nested": {"secret": "x-secret-9"}}

    def __repr__(self) -> str:
        return f"Client(api_key={self.api_key!r}, settings={self.settings!r})"


class Slotted:
    __slots__ = ("token", "unset")

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return f"Slotted({self.token})"


class OneSlot:
    __slots__ = "password"

    def __init__(self) -> None:
        self.password = "x-secret-10"

    def __repr__(self) -> str:
        return f"OneSlot({self.password})"


class Opaque:
    def __getattribute__(self, name: str) -> Any:
        raise RuntimeError("no peeking")

    def __repr__(self) -> str:
        return "Opaque()"


def test_other_objects_keep_their_repr_with_their_credentials_struck() -> None:
    redactor = Redactor()
    shown = [redactor.mask(v) for v in (Client("x-secret-8"), Slotted("x-secret-11"), OneSlot())]
    page = redactor.scrub(" ".join(shown))
    for secret in ("x-secret-8", "x-secret-9", "x-secret-10", "x-secret-11"):
        assert secret not in page
    assert page.startswith("Client(api_key='(hidden)'")
    assert redactor.mask(Opaque()) == "Opaque()"


def test_a_credential_object_has_its_strings_learnt() -> None:
    redactor = Redactor()
    assert redactor.named("credentials", Client("x-secret-12")) == HIDDEN
    assert redactor.scrub("x-secret-12 x-secret-9") == f"{HIDDEN} {HIDDEN}"


def test_modules_and_functions_are_not_looked_into() -> None:
    redactor = Redactor()
    assert redactor.mask(json) == repr(json)
    redactor.learn(json)
    redactor.learn(test_modules_and_functions_are_not_looked_into)
    assert redactor.scrub(json.__name__) == "json"


class BrokenMapping(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        raise RuntimeError("broken")

    def __iter__(self) -> Iterator[str]:
        return iter(["a"])

    def __len__(self) -> int:
        return 1

    def __repr__(self) -> str:
        return "BrokenMapping()"


class BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no")


class BrokenStr(str):
    def __repr__(self) -> str:
        raise RuntimeError("no")


class Holder:
    def __init__(self, **attributes: object) -> None:
        self.__dict__.update(attributes)


def test_broken_values_spoil_only_themselves() -> None:
    redactor = Redactor()
    assert redactor.mask(BrokenMapping()) == "BrokenMapping()"
    assert redactor.mask(BrokenRepr()) == "<repr failed: RuntimeError>"
    assert redactor.mask(BrokenStr("x")) == "<repr failed: RuntimeError>"
    # isinstance() itself raises on an Opaque: the dict around it is still masked.
    shown = redactor.mask({"password": "x-secret-13", "o": Opaque(), "b": BrokenMapping()})
    assert shown == "{'password': (hidden), 'o': Opaque(), 'b': BrokenMapping()}"
    redactor.learn([Opaque(), "x-secret-14", BrokenStr("x-secret-15")])
    holder = Holder(o=Opaque(), token="x-secret-16", inner=Holder(secret="x-secret-17"))
    redactor.mask(holder)
    text = "x-secret-13 x-secret-14 x-secret-15 x-secret-16 x-secret-17"
    assert redactor.scrub(text) == " ".join([HIDDEN] * 5)
    redactor.mask(Opaque())  # a value whose attributes can't be listed: its repr, as is
