import copy
import pickle

import pytest

from asgi_protocol.datastructures import (
    TASKS_STATE_KEY,
    Address,
    CommaSeparatedStrings,
    Secret,
    State,
)
from asgi_protocol.exceptions import StateNotSet


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


WITH_CLIENT = "use `with TestClient(app) as client:`"


def test_a_missing_attribute_before_any_lifespan_says_to_run_it_first() -> None:
    with pytest.raises(StateNotSet) as info:
        State({}).db  # noqa: B018 - a request's state, no lifespan's mark in it
    assert isinstance(info.value, AttributeError)
    assert info.value.name == "db"
    message = str(info.value)
    assert message.startswith("'State' object has no attribute 'db': nothing has set it, and ")
    assert "no lifespan has run yet" in message
    assert WITH_CLIENT in message


def test_a_missing_attribute_after_a_lifespan_says_to_set_it() -> None:
    with pytest.raises(StateNotSet) as info:
        State({TASKS_STATE_KEY: object()}).db  # noqa: B018 - the runner's mark: it ran
    message = str(info.value)
    assert "Set it before it is read, or read it with getattr(state, 'db', default)" in message
    assert WITH_CLIENT not in message


def test_the_owner_of_a_state_may_say_whether_its_lifespan_ran() -> None:
    ran = False
    state = State(lifespan_ran=lambda: ran)
    with pytest.raises(StateNotSet, match="no lifespan has run yet"):
        state.db  # noqa: B018
    ran = True
    with pytest.raises(StateNotSet, match="Set it before it is read"):
        state.db  # noqa: B018


def test_hasattr_and_getattr_defaults_still_work() -> None:
    state = State({"db": 1})
    assert hasattr(state, "db")
    assert not hasattr(state, "cache")
    assert getattr(state, "cache", "default") == "default"


def test_a_state_copies_and_pickles() -> None:
    state = State({"db": "conn"})
    assert copy.copy(state) == state
    assert copy.copy(state)._state is state._state  # shallow: the same dict
    assert pickle.loads(pickle.dumps(state)) == state


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
