"""A requests-based test client that drives any ASGI 3 app in-process."""

__all__: list[str] = []
