import pytest

from asgi_protocol.datastructures import Address, CommaSeparatedStrings, Secret, State


def test_state_is_an_attribute_view_over_a_shared_dict() -> None:
    backing: dict[str, object] = {"db": "conn"}
    state = State(backing)
    assert state.db == "conn"
    state.cache = 1
    assert backing["cache"] == 1
    assert "cache" in state
    del state.cache
    assert "cache" not in state
    assert State() == State({})
    assert State({"a": 1}) != {"a": 1}
    assert repr(State({"a": 1})) == "State({'a': 1})"


def test_state_is_also_a_mapping_over_the_same_dict() -> None:
    backing: dict[str, object] = {"old": "foo"}
    state = State(backing)
    state["key"] = "value"
    assert state["key"] == state.key == backing["key"] == "value"
    assert list(state) == ["old", "key"]
    assert len(state) == 2
    del state["key"]
    assert "key" not in backing
    with pytest.raises(KeyError):
        state["key"]
    assert {key: state[key] for key in state} == {"old": "foo"}


def test_state_values_may_have_the_names_of_mapping_methods() -> None:
    state = State({"items": [1], "keys": "k", "get": "g", "values": 0, "update": None})
    state.items.append(2)
    assert (state.items, state.keys, state.get, state.values) == ([1, 2], "k", "g", 0)
    assert state.update is None


def test_state_names_the_missing_attribute() -> None:
    state = State()
    with pytest.raises(AttributeError, match="'missing'"):
        state.missing  # noqa: B018
    with pytest.raises(AttributeError, match="'gone'"):
        del state.gone


def test_secret_never_shows_its_value() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret)
    assert str(secret) == "hunter2"
    assert secret == Secret("hunter2")
    assert secret != "hunter2"
    assert hash(secret) == hash(Secret("hunter2"))
    assert bool(secret)
    assert not bool(Secret(""))


@pytest.mark.parametrize(
    "value",
    ['"localhost", "127.0.0.1", 0.0.0.0', "'localhost', '127.0.0.1', 0.0.0.0",
     "localhost, 127.0.0.1, 0.0.0.0", " localhost ,127.0.0.1,0.0.0.0 "],
)  # fmt: skip
def test_comma_separated_strings_take_either_quote(value: str) -> None:
    assert list(CommaSeparatedStrings(value)) == ["localhost", "127.0.0.1", "0.0.0.0"]


def test_comma_separated_strings_edge_cases() -> None:
    assert list(CommaSeparatedStrings("'a, b', \" c \", d")) == ["a, b", "c", "d"]
    assert list(CommaSeparatedStrings("O'Brien, x")) == ["O'Brien", "x"]  # a quote inside
    assert list(CommaSeparatedStrings("a,,b,")) == ["a", "", "b", ""]
    assert list(CommaSeparatedStrings("''")) == [""]
    assert list(CommaSeparatedStrings("   ")) == []
    with pytest.raises(ValueError, match="Unclosed ' quote"):
        CommaSeparatedStrings("a, 'b")


def test_comma_separated_strings_follow_csv_rules() -> None:
    items = CommaSeparatedStrings("a, b ,'c, d', \"e, f\"")
    assert list(items) == ["a", "b", "c, d", "e, f"]
    assert len(items) == 4
    assert items[0] == "a"
    assert list(items[1:2]) == ["b"]
    assert list(CommaSeparatedStrings(["x", "y"])) == ["x", "y"]
    assert list(CommaSeparatedStrings("")) == []
    assert repr(CommaSeparatedStrings("a,b")) == "CommaSeparatedStrings(['a', 'b'])"
    assert str(CommaSeparatedStrings("a,b")) == "'a', 'b'"


def test_address() -> None:
    address = Address("127.0.0.1", 8000)
    assert (address.host, address.port) == ("127.0.0.1", 8000)
