"""Limits on what a client may ask: the query's length, and each operation's field nesting
depth, number of fields and number of aliases.

All three are measured through inline fragments and fragment spreads, as the operation would
run: a spread counts its fragment's fields once more each time, so neither depth nor size can
hide behind fragments. Each fragment is measured once per document (memoised), so a document
that spreads the same fragment many times costs linear time however large the count it adds
up to; a spread that comes back to a fragment already being measured counts as nothing
(graphql-core's NoFragmentCyclesRule reports the cycle itself). Counts stop at CEILING: a
fragment bomb can describe more fields than a message should print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

QUERY_TOO_LONG = "Query too long"
CEILING = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Size:
    """What a selection set asks for: its nesting depth, and its fields and aliases in all."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0

    def beside(self, other: Size) -> Size:
        return Size(
            max(self.depth, other.depth),
            min(CEILING, self.fields + other.fields),
            min(CEILING, self.aliases + other.aliases),
        )


_NOTHING = Size()


class _Meter:
    """Measures selection sets of one document, remembering each fragment's size."""

    def __init__(self, context: ValidationContext) -> None:
        self._context = context
        self._fragments: dict[str, Size] = {}
        self._measuring: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> Size:
        if selection_set is None:
            return _NOTHING
        total = _NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = self.selection_set(selection.selection_set)
                size = Size(
                    1 + below.depth,
                    min(CEILING, 1 + below.fields),
                    min(CEILING, (selection.alias is not None) + below.aliases),
                )
            elif isinstance(selection, InlineFragmentNode):
                size = self.selection_set(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                size = self.fragment(selection.name.value)
            total = total.beside(size)
        return total

    def fragment(self, name: str) -> Size:
        known = self._fragments.get(name)
        if known is not None:
            return known
        fragment: FragmentDefinitionNode | None = self._context.get_fragment(name)
        if fragment is None or name in self._measuring:
            # Unknown fragments and cycles are other rules' errors; they add nothing here.
            return _NOTHING
        self._measuring.add(name)
        size = self.selection_set(fragment.selection_set)
        self._measuring.discard(name)
        self._fragments[name] = size
        return size


def _count(value: int) -> str:
    return f"more than {CEILING}" if value >= CEILING else str(value)


def operation_limits_rule(
    *,
    max_depth: int | None = None,
    max_fields: int | None = None,
    max_aliases: int | None = None,
) -> type[ValidationRule]:
    """A validation rule class that rejects operations over any of the limits given."""

    class OperationLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._meter = _Meter(context)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> Any:
            size = self._meter.selection_set(node.selection_set)
            if max_depth is not None and size.depth > max_depth:
                self._refuse(f"Query depth {size.depth} exceeds the limit of {max_depth}", node)
            if max_fields is not None and size.fields > max_fields:
                self._refuse(
                    f"Query has {_count(size.fields)} fields, over the limit of {max_fields}", node
                )
            if max_aliases is not None and size.aliases > max_aliases:
                self._refuse(
                    f"Query has {_count(size.aliases)} aliases, over the limit of {max_aliases}",
                    node,
                )
            # Fields below were measured already: no need to walk them again.
            return self.SKIP

        def _refuse(self, message: str, node: OperationDefinitionNode) -> None:
            self.report_error(GraphQLError(message, node))

    OperationLimitsRule.__name__ = (
        f"OperationLimitsRule(max_depth={max_depth}, max_fields={max_fields}, "
        f"max_aliases={max_aliases})"
    )
    return OperationLimitsRule


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule class that rejects operations nested deeper than `max_depth` fields."""
    rule = operation_limits_rule(max_depth=max_depth)
    rule.__name__ = f"DepthLimitRule{max_depth}"
    return rule


__all__ = ["CEILING", "QUERY_TOO_LONG", "Size", "depth_limit_rule", "operation_limits_rule"]
