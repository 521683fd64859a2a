"""Conditional GET: decide whether the client's cached copy is still good (RFC 9110 13.1)."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from asgi_protocol.types import Scope

# Headers a 304 keeps from the full response (RFC 9110 15.4.5).
NOT_MODIFIED_HEADERS = (
    "cache-control",
    "content-location",
    "date",
    "etag",
    "expires",
    "last-modified",
    "vary",
)


def request_headers(scope: Scope) -> dict[str, str]:
    """The request headers as a lower-case dict; the first of repeated names wins."""
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


def _strip_weak(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def is_not_modified(
    response_headers: Mapping[str, str], request_headers: Mapping[str, str]
) -> bool:
    """True when If-None-Match (or, without it, If-Modified-Since) matches the response."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        # If-None-Match wins over If-Modified-Since when both are sent; weak comparison.
        etag = response_headers.get("etag")
        if etag is None:
            return False
        tags = {_strip_weak(tag) for tag in if_none_match.split(",")}
        return "*" in tags or _strip_weak(etag) in tags
    if_modified_since = request_headers.get("if-modified-since")
    last_modified = response_headers.get("last-modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        # An unparseable date (or a naive vs aware mix) means "send the full response".
        return False


__all__ = ["NOT_MODIFIED_HEADERS", "is_not_modified", "request_headers"]
