"""The router's lookup index: which routes can possibly match a path, in declaration order.

Hot path. Instead of trying every route's regex, the router asks the index for a short list:
- a static path (no parameters) is found in a dict keyed by the exact path;
- a route whose first path segment is literal ("/users/{id}") is listed under that segment;
- anything else (a parameter in the first segment, a route without an `index_pattern()`: Host,
  routes that match by more than their path) is "generic" and is listed everywhere.
Each list is merged and sorted by declaration position when the index is built, so first-match
semantics are exactly those of a linear scan: the index only drops routes that cannot match.
"""

from __future__ import annotations

from asgi_routing.routes import BaseRoute


def first_segment(path: str) -> str:
    """The first segment of a request path: "/users/1" -> "users", "/" -> ""."""
    end = path.find("/", 1)
    return path[1:] if end == -1 else path[1:end]


class RouteIndex:
    """Candidate routes per request path, built once from a route list."""

    __slots__ = ("by_segment", "generic", "static")

    def __init__(self, routes: list[BaseRoute]) -> None:
        static: dict[str, list[int]] = {}
        segmented: dict[str, list[int]] = {}
        generic: list[int] = []
        for position, route in enumerate(routes):
            pattern = route.index_pattern()
            if pattern is None:
                generic.append(position)
            elif "{" not in pattern:
                static.setdefault(pattern, []).append(position)
            else:
                rest = pattern[1:]
                end = rest.find("/")
                segment = rest[:end] if end != -1 else None
                if segment is None or "{" in segment:
                    generic.append(position)
                else:
                    segmented.setdefault(segment, []).append(position)

        def merged(*groups: list[int]) -> list[BaseRoute]:
            return [routes[i] for i in sorted(set().union(*groups))]

        self.generic = merged(generic)
        self.by_segment = {seg: merged(pos, generic) for seg, pos in segmented.items()}
        self.static = {
            path: merged(pos, segmented.get(first_segment(path), []), generic)
            for path, pos in static.items()
        }

    def candidates(self, route_path: str) -> list[BaseRoute]:
        # Hot path: one or two dict lookups.
        found = self.static.get(route_path)
        if found is not None:
            return found
        return self.by_segment.get(first_segment(route_path), self.generic)


__all__ = ["RouteIndex", "first_segment"]
