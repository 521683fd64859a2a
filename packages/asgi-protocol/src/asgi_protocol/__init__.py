"""ASGI types, status codes, exceptions, datastructures, concurrency helpers and config."""

__all__: list[str] = []
