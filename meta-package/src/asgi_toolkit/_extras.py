"""Modules whose package comes with an extra: a missing extra is named, not a bare ImportError."""

from __future__ import annotations


def extra_missing(error: ModuleNotFoundError, package: str, extra: str) -> ModuleNotFoundError:
    """The error to raise when importing `package` failed with `error`.

    When `package` itself is what is missing, a ModuleNotFoundError that says which extra of
    asgi-toolkit brings it; any other missing module is a different problem and keeps its error.
    """
    if error.name != package:
        return error
    return ModuleNotFoundError(
        f"this part of asgi-toolkit needs {package}, which comes with the '{extra}' extra: "
        f"pip install 'asgi-toolkit[{extra}]'",
        name=package,
    )
