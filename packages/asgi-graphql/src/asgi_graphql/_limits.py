"""Limits on what a client may ask: the query's length and its field nesting depth.

Depth counts nested fields through inline fragments and fragment spreads, so a deep query cannot
hide behind fragments. Each fragment's depth is computed once per document (memoised), so a
document that spreads the same fragment many times costs linear time, and a spread that comes
back to a fragment already being measured counts as 0 (graphql-core's NoFragmentCyclesRule
reports the cycle itself).
"""

from __future__ import annotations

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


class _DepthMeter:
    """Measures selection sets of one document, remembering each fragment's depth."""

    def __init__(self, context: ValidationContext) -> None:
        self._context = context
        self._fragments: dict[str, int] = {}
        self._measuring: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                depth = 1 + self.selection_set(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                depth = self.selection_set(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                depth = self.fragment(selection.name.value)
            deepest = max(deepest, depth)
        return deepest

    def fragment(self, name: str) -> int:
        known = self._fragments.get(name)
        if known is not None:
            return known
        fragment: FragmentDefinitionNode | None = self._context.get_fragment(name)
        if fragment is None or name in self._measuring:
            # Unknown fragments and cycles are other rules' errors; they add no depth here.
            return 0
        self._measuring.add(name)
        depth = self.selection_set(fragment.selection_set)
        self._measuring.discard(name)
        self._fragments[name] = depth
        return depth


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule class that rejects operations nested deeper than `max_depth` fields."""

    class DepthLimitRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._meter = _DepthMeter(context)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> Any:
            depth = self._meter.selection_set(node.selection_set)
            if depth > max_depth:
                self.report_error(
                    GraphQLError(f"Query depth {depth} exceeds the limit of {max_depth}", node)
                )
            # Fields below were measured already: no need to walk them again.
            return self.SKIP

    DepthLimitRule.__name__ = f"DepthLimitRule{max_depth}"
    return DepthLimitRule


__all__ = ["QUERY_TOO_LONG", "depth_limit_rule"]
