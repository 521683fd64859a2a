import pytest

from asgi_protocol.datastructures import ImmutableMultiDict, MultiDict, QueryParams


def test_immutable_multidict_keeps_every_value() -> None:
    d = ImmutableMultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert d["a"] == "3"
    assert d.getlist("a") == ["1", "3"]
    assert d.getlist("zz") == []
    assert list(d.keys()) == ["a", "b"]
    assert list(d.values()) == ["3", "2"]
    assert list(d.items()) == [("a", "3"), ("b", "2")]
    assert d.multi_items() == [("a", "1"), ("b", "2"), ("a", "3")]
    assert "a" in d
    assert "c" not in d
    assert len(d) == 2
    assert list(d) == ["a", "b"]
    assert repr(d) == "ImmutableMultiDict([('a', '1'), ('b', '2'), ('a', '3')])"


def test_sources_mapping_multidict_kwargs_and_empty() -> None:
    assert ImmutableMultiDict({"a": 1}).multi_items() == [("a", 1)]
    assert ImmutableMultiDict(ImmutableMultiDict([("a", 1), ("a", 2)])).getlist("a") == [1, 2]
    assert ImmutableMultiDict([("a", 1)], b=2).multi_items() == [("a", 1), ("b", 2)]
    assert ImmutableMultiDict().multi_items() == []
    with pytest.raises(TypeError, match="at most one"):
        ImmutableMultiDict([], [])


def test_equality_is_order_insensitive_and_type_checked() -> None:
    assert ImmutableMultiDict([("a", 1), ("b", 2)]) == ImmutableMultiDict([("b", 2), ("a", 1)])
    assert ImmutableMultiDict([("a", 1)]) != {"a": 1}


def test_equality_keeps_the_order_of_one_keys_values() -> None:
    one = ImmutableMultiDict([("f", "x"), ("f", "y"), ("n", "1")])
    assert one == ImmutableMultiDict([("n", "1"), ("f", "x"), ("f", "y")])
    assert one != ImmutableMultiDict([("f", "y"), ("f", "x"), ("n", "1")])
    unorderable: ImmutableMultiDict[object, object] = ImmutableMultiDict(
        [(1, object()), ("a", None)]
    )  # no sort needed
    assert unorderable == ImmutableMultiDict(unorderable)


def test_multidict_mutation() -> None:
    d = MultiDict([("a", 1), ("a", 2), ("b", 3)])
    d["a"] = 9
    assert d.getlist("a") == [9]
    d.append("a", 10)
    assert d.getlist("a") == [9, 10]
    assert d["a"] == 10
    del d["b"]
    assert "b" not in d
    assert d.pop("a") == 10
    assert d.pop("missing", "default") == "default"
    d.setlist("c", [1, 2])
    assert d.getlist("c") == [1, 2]
    d.setlist("c", [])
    assert "c" not in d
    assert d.setdefault("e", 5) == 5
    assert d.setdefault("e", 6) == 5
    d.update([("f", 1), ("f", 2)], g=3)
    assert d.getlist("f") == [1, 2]
    assert d["g"] == 3
    assert d.poplist("f") == [1, 2]
    assert d.popitem() == ("g", 3)
    d.clear()
    assert d.multi_items() == []
    assert len(d) == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a=1&a=2&b=", [("a", "1"), ("a", "2"), ("b", "")]),
        ("name=J%C3%BCrgen+M", [("name", "Jürgen M")]),
        ("bad=%zz&pct=%", [("bad", "%zz"), ("pct", "%")]),
        ("=novalue&&k", [("", "novalue"), ("k", "")]),
        ("", []),
    ],
)
def test_query_params_parse_without_ever_failing(
    query: str, expected: list[tuple[str, str]]
) -> None:
    assert QueryParams(query).multi_items() == expected


def test_query_params_sources_and_round_trip() -> None:
    assert QueryParams(b"a=1").multi_items() == [("a", "1")]
    assert QueryParams({"a": 1}).multi_items() == [("a", "1")]
    assert QueryParams([("a", "x y")], b="&").multi_items() == [("a", "x y"), ("b", "&")]
    params = QueryParams("a=1&a=2&b=x+y")
    assert str(params) == "a=1&a=2&b=x+y"
    assert QueryParams(str(params)) == params
    assert repr(params) == "QueryParams('a=1&a=2&b=x+y')"
    with pytest.raises(TypeError, match="at most one"):
        QueryParams("a", "b")
