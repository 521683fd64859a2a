from __future__ import annotations

from graphql import build_schema, parse, specified_rules, validate

from asgi_graphql import depth_limit_rule

SCHEMA = build_schema(
    """
    type Node { value: Int child: Node }
    type Query { node: Node }
    """
)


def errors(query: str, limit: int) -> list[str]:
    rules = [*specified_rules, depth_limit_rule(limit)]
    return [e.message for e in validate(SCHEMA, parse(query), rules)]


def test_plain_nesting() -> None:
    assert errors("{ node { child { value } } }", 3) == []
    assert errors("{ node { child { value } } }", 2) == ["Query depth 3 exceeds the limit of 2"]


def test_counts_through_fragments() -> None:
    query = """
    { node { ...A } }
    fragment A on Node { child { ...B } }
    fragment B on Node { child { value } }
    """
    assert errors(query, 4) == []
    assert errors(query, 3) == ["Query depth 4 exceeds the limit of 3"]


def test_counts_through_inline_fragments() -> None:
    query = "{ node { ... on Node { child { ... { value } } } } }"
    assert errors(query, 2) == ["Query depth 3 exceeds the limit of 2"]


def test_each_operation_is_measured() -> None:
    query = "query A { node { value } } query B { node { child { child { value } } } }"
    assert errors(query, 3) == ["Query depth 4 exceeds the limit of 3"]


def test_fragment_cycles_do_not_loop() -> None:
    query = """
    { node { ...A } }
    fragment A on Node { child { ...B } }
    fragment B on Node { child { ...A } }
    """
    found = errors(query, 10)
    assert any("Cannot spread fragment" in message for message in found)
    assert not any("exceeds" in message for message in found)


def test_self_spread_does_not_loop() -> None:
    found = errors("{ node { ...A } } fragment A on Node { ...A }", 10)
    assert any("Cannot spread fragment 'A' within itself" in m for m in found)


def test_unknown_fragment_adds_nothing() -> None:
    found = errors("{ node { ...Missing } }", 0)
    assert "Unknown fragment 'Missing'." in found
    assert "Query depth 1 exceeds the limit of 0" in found


def test_shared_fragment_measured_once() -> None:
    # Many spreads of one fragment: the depth is right and the work stays linear.
    spreads = " ".join(f"a{i}: node {{ ...A }}" for i in range(200))
    query = "{ " + spreads + " } fragment A on Node { child { value } }"
    assert errors(query, 3) == []
    assert errors(query, 2) == ["Query depth 3 exceeds the limit of 2"]


def test_rule_names_show_the_limit() -> None:
    assert depth_limit_rule(7).__name__ == "DepthLimitRule7"
