"""HTTPConnection and Request: body, stream, JSON and form parsing with limits."""

__all__: list[str] = []
