"""StaticFiles: serve a directory or package data safely."""

__all__: list[str] = []
