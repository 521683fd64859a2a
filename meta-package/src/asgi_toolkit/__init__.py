"""The whole asgi-toolkit framework."""

__all__: list[str] = []
