"""Responses: text, HTML, JSON, redirects, streaming, files with ranges, server-sent events."""

__all__: list[str] = []
