"""Router, Route, Mount, Host, WebSocketRoute, convertors and endpoints."""

__all__: list[str] = []
