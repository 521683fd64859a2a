"""Which of our modules answers each `starlette` import, and the finder that applies the table.

Starlette's own tests are run unchanged: every `import starlette.X` inside them is served by the
module of ours that the table names, so the suite checks the promise that migrating is a change
of imports. A name that is not in the table (a private Starlette module) fails to import.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence

#: starlette module -> the module of ours that a migrating user would import instead.
IMPORT_MAP: dict[str, str] = {
    "starlette": "asgi_toolkit",
    "starlette.applications": "asgi_toolkit.applications",
    "starlette.authentication": "asgi_toolkit.authentication",
    "starlette.background": "asgi_toolkit.background",
    "starlette.concurrency": "asgi_toolkit.concurrency",
    "starlette.config": "asgi_toolkit.config",
    "starlette.convertors": "asgi_toolkit.convertors",
    "starlette.datastructures": "asgi_toolkit.datastructures",
    "starlette.endpoints": "asgi_toolkit.endpoints",
    "starlette.exceptions": "asgi_toolkit.exceptions",
    "starlette.formparsers": "asgi_toolkit.formparsers",
    "starlette.middleware": "asgi_toolkit.middleware",
    "starlette.middleware.authentication": "asgi_toolkit.middleware.authentication",
    "starlette.middleware.base": "asgi_toolkit.middleware.base",
    "starlette.middleware.body_limit": "asgi_toolkit.middleware.body_limit",
    "starlette.middleware.cors": "asgi_toolkit.middleware.cors",
    "starlette.middleware.errors": "asgi_toolkit.middleware.errors",
    "starlette.middleware.exceptions": "asgi_toolkit.middleware.exceptions",
    "starlette.middleware.gzip": "asgi_toolkit.middleware.gzip",
    "starlette.middleware.httpsredirect": "asgi_toolkit.middleware.httpsredirect",
    "starlette.middleware.opentelemetry": "asgi_toolkit.middleware.opentelemetry",
    "starlette.middleware.sessions": "asgi_toolkit.middleware.sessions",
    "starlette.middleware.trustedhost": "asgi_toolkit.middleware.trustedhost",
    "starlette.middleware.wsgi": "asgi_toolkit.middleware.wsgi",
    "starlette.requests": "asgi_toolkit.requests",
    "starlette.responses": "asgi_toolkit.responses",
    "starlette.routing": "asgi_toolkit.routing",
    "starlette.schemas": "asgi_toolkit.schemas",
    "starlette.staticfiles": "asgi_toolkit.staticfiles",
    "starlette.status": "asgi_toolkit.status",
    "starlette.templating": "asgi_toolkit.templating",
    "starlette.testclient": "asgi_toolkit.testclient",
    "starlette.types": "asgi_toolkit.types",
    "starlette.websockets": "asgi_toolkit.websockets",
}


#: Starlette's private modules that its tests import, answered name by name: each name by the
#: public function of ours a user would call instead (`module:name`), or None where we have no
#: counterpart (the test that uses it fails, and expectations.txt says why).
PRIVATE_MODULES: dict[str, dict[str, str | None]] = {
    "starlette._utils": {
        "is_async_callable": "asgi_toolkit.concurrency:is_async_callable",
        "get_route_path": "asgi_toolkit.routing:get_route_path",
        "create_collapsing_task_group": None,
    },
    # Patched by a test to prove exception handlers don't run in the threadpool: our
    # handlers' module is the one whose run_in_threadpool that claim is about.
    "starlette._exception_handler": {"run_in_threadpool": "asgi_middleware.exception_handlers:"},
}

#: Names a migrating user renames along with the import (`Starlette(...)` becomes `App(...)`).
RENAMES: dict[str, dict[str, str]] = {
    "starlette": {"Starlette": "App"},
    "starlette.applications": {"Starlette": "App"},
    "starlette.exceptions": {"StarletteDeprecationWarning": "ToolkitDeprecationWarning"},
    "starlette.middleware": {"_MiddlewareFactory": "MiddlewareFactory"},
}


_ABSENT = object()


class _Forwarding(types.ModuleType):
    """A starlette module whose names live in modules of ours: reads and writes reach ours.

    Writes are forwarded so that `monkeypatch.setattr(starlette.x, "name", ...)` patches what
    our code really uses. pytest undoes a patch of a name it did not find in this module's own
    `__dict__` with a delete, so a delete restores what the first write through the view
    replaced rather than removing our module's own attribute.
    """

    _saved: dict[str, object]

    def _source(self, name: str) -> tuple[types.ModuleType, str] | None:
        """The module of ours and the attribute that answer `name`; None: not forwarded."""
        raise NotImplementedError

    def __getattr__(self, name: str) -> object:
        source = self._source(name)
        if source is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        try:
            return getattr(*source)
        except AttributeError as exc:
            # Our module names itself in the message; after a migration the module a user
            # imported *is* ours, so here it is the starlette name the test imported.
            message = str(exc).replace(repr(source[0].__name__), repr(self.__name__))
            raise AttributeError(message, name=name, obj=self) from None

    def __setattr__(self, name: str, value: object) -> None:
        source = None if name.startswith("__") else self._source(name)
        if source is None:
            super().__setattr__(name, value)
            return
        self._saved.setdefault(name, getattr(*source, _ABSENT))
        setattr(*source, value)

    def __delattr__(self, name: str) -> None:
        source = self._source(name)
        if source is None:
            super().__delattr__(name)
            return
        original = self._saved.pop(name, _ABSENT)
        if original is _ABSENT:
            delattr(*source)
        else:
            setattr(*source, original)


class _View(_Forwarding):
    """A public starlette module answered by one module of ours (with RENAMES applied)."""

    _target: types.ModuleType
    _renames: dict[str, str]

    def _source(self, name: str) -> tuple[types.ModuleType, str] | None:
        return self._target, self._renames.get(name, name)

    def __dir__(self) -> list[str]:
        return sorted({*dir(self._target), *self._renames})


class _Missing:
    """Stands for a private Starlette helper we have no counterpart for; fails when used."""

    def __init__(self, module: str, name: str) -> None:
        self.where = f"{module}.{name}"

    def __call__(self, *args: object, **kwargs: object) -> object:
        raise NotImplementedError(f"{self.where} is private to Starlette; we have no counterpart")


class _Private(_Forwarding):
    """A private Starlette module answered name by name from PRIVATE_MODULES."""

    _names: dict[str, str | None]

    def __getattr__(self, name: str) -> object:
        if self._names.get(name, "") is None:
            return _Missing(self.__name__, name)
        return super().__getattr__(name)

    def _source(self, name: str) -> tuple[types.ModuleType, str] | None:
        source = self._names.get(name)
        if source is None:
            return None
        module, _, attribute = source.partition(":")
        return importlib.import_module(module), attribute or name


class _PrivateLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _Private(spec.name)
        object.__setattr__(module, "_names", PRIVATE_MODULES[spec.name])
        object.__setattr__(module, "_saved", {})
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: every name is looked up when it is used."""


class _Alias(importlib.abc.Loader):
    """Builds the starlette-named view of a module of ours."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        view = _View(spec.name)
        object.__setattr__(view, "_target", importlib.import_module(self.target))
        object.__setattr__(view, "_renames", RENAMES.get(spec.name, {}))
        object.__setattr__(view, "_saved", {})
        return view

    def exec_module(self, module: types.ModuleType) -> None:
        """The module is ours and already executed: nothing to run."""


class StarletteFinder(importlib.abc.MetaPathFinder):
    """Answers `starlette` and `starlette.*` from IMPORT_MAP, and nothing else."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "starlette" and not fullname.startswith("starlette."):
            return None
        if fullname in PRIVATE_MODULES:
            return importlib.machinery.ModuleSpec(fullname, _PrivateLoader())
        ours = IMPORT_MAP.get(fullname)
        if ours is None:
            raise ModuleNotFoundError(
                f"{fullname} has no counterpart in the import map", name=fullname
            )
        is_package = any(name.startswith(fullname + ".") for name in IMPORT_MAP)
        return importlib.machinery.ModuleSpec(fullname, _Alias(ours), is_package=is_package)


def install() -> None:
    """Put the finder first, so no real Starlette on the path can answer instead."""
    if not any(isinstance(finder, StarletteFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, StarletteFinder())
