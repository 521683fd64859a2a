"""The ASGI lifespan protocol for any app: startup and shutdown, lifespan context managers."""

__all__: list[str] = []
