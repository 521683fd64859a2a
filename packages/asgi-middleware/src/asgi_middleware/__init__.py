"""Pure ASGI middleware: CORS, compression, hosts, HTTPS, proxies, sessions, errors."""

__all__: list[str] = []
