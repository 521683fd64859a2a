from __future__ import annotations

from graphql import build_schema, parse, specified_rules, validate

from asgi_graphql import depth_limit_rule, operation_limits_rule
from asgi_graphql._limits import CEILING

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


def limits(query: str, **given: int) -> list[str]:
    rules = [*specified_rules, operation_limits_rule(**given)]
    return [e.message for e in validate(SCHEMA, parse(query), rules)]


def test_fields_count_every_selection_through_fragments() -> None:
    query = """
    { node { value ...A } other: node { ...A } }
    fragment A on Node { child { value } }
    """
    # node, value, child, value, other, child, value: each spread counts its fragment again.
    assert limits(query, max_fields=7) == []
    assert limits(query, max_fields=6) == ["Query has 7 fields, over the limit of 6"]


def test_aliases_count_through_fragments_and_inline_fragments() -> None:
    query = """
    { a: node { ...A } b: node { ... on Node { c: value } } }
    fragment A on Node { d: value e: child { value } }
    """
    assert limits(query, max_aliases=5) == []
    assert limits(query, max_aliases=4) == ["Query has 5 aliases, over the limit of 4"]


def test_each_limit_has_its_own_error() -> None:
    query = "{ a: node { b: child { c: value } } }"
    assert limits(query, max_depth=2, max_fields=2, max_aliases=2) == [
        "Query depth 3 exceeds the limit of 2",
        "Query has 3 fields, over the limit of 2",
        "Query has 3 aliases, over the limit of 2",
    ]


def test_a_fragment_bomb_is_counted_fast_and_stops_at_the_ceiling() -> None:
    # F(i) spreads F(i-1) twice under two aliases: 2**80 fields as it would run.
    fragments = ["fragment F0 on Node { value }"]
    for i in range(1, 81):
        fragments.append(
            f"fragment F{i} on Node {{ x: child {{ ...F{i - 1} }} y: child {{ ...F{i - 1} }} }}"
        )
    query = "{ node { ...F80 } } " + " ".join(fragments)
    found = limits(query, max_fields=1000, max_aliases=10)
    assert found == [
        f"Query has more than {CEILING} fields, over the limit of 1000",
        f"Query has more than {CEILING} aliases, over the limit of 10",
    ]


def test_the_limits_rule_is_named_after_its_limits() -> None:
    rule = operation_limits_rule(max_fields=5)
    assert rule.__name__ == "OperationLimitsRule(max_depth=None, max_fields=5, max_aliases=None)"
