"""The WebSocket connection object and close helpers."""

__all__: list[str] = []
