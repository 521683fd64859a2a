"""StaticFiles: an ASGI app that serves files from directories and from installed packages."""

from __future__ import annotations

import errno
import importlib.util
import os
import stat
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from asgi_protocol.concurrency import run_in_threadpool
from asgi_protocol.datastructures import Headers
from asgi_protocol.exceptions import HTTPException
from asgi_protocol.paths import get_route_path
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses import (
    NOT_MODIFIED_HEADERS,
    FileResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    is_not_modified,
)
from asgi_staticfiles._paths import (
    has_encoded_attack,
    is_unsafe,
    resolve_inside,
    split_request_path,
)

PathLike = str | os.PathLike[str]

_METHODS = frozenset(("GET", "HEAD"))
_MISSES = frozenset((errno.ENAMETOOLONG, errno.ELOOP))
_ALLOW = {"Allow": "GET, HEAD"}


def _package_directory(package: str | tuple[str, str]) -> str:
    """The data directory of an installed package ("statics" unless named)."""
    name, subdir = (package, "statics") if isinstance(package, str) else package
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        raise RuntimeError(f"Package '{name}' is not installed or has no directory")
    directory = os.path.join(os.path.dirname(spec.origin), subdir)
    if not os.path.isdir(directory):
        raise RuntimeError(f"Directory '{subdir}' in package '{name}' could not be found")
    return directory


class NotModifiedResponse(Response):
    """A 304 that keeps only the validators and caching headers of the full response."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        kept = {name: headers[name] for name in NOT_MODIFIED_HEADERS if name in headers}
        super().__init__(status_code=304, headers=kept)


class StaticFiles:
    """Serve files below `directory` and the data folders of `packages`, never outside them.

    With `html=True` a directory serves its index.html (redirecting "/dir" to "/dir/") and a
    miss serves 404.html when there is one.
    """

    def __init__(
        self,
        *,
        directory: PathLike | None = None,
        packages: Sequence[str | tuple[str, str]] | None = None,
        html: bool = False,
        check_dir: bool = True,
        follow_symlink: bool = False,
    ) -> None:
        self.directory = directory
        self.packages = packages
        self.html = html
        self.follow_symlink = follow_symlink
        self.config_checked = False
        if check_dir and directory is not None:
            self._check_directory(os.fspath(directory))
        self.all_directories = self.get_directories(directory, packages)
        # Resolved once: lookups compare against these without touching the filesystem again.
        self._roots = [os.path.realpath(d) for d in self.all_directories]

    @staticmethod
    def _check_directory(directory: str) -> None:
        if not os.path.exists(directory):
            raise RuntimeError(f"Directory '{directory}' does not exist")
        if not os.path.isdir(directory):
            raise RuntimeError(f"StaticFiles path '{directory}' is not a directory")

    def get_directories(
        self,
        directory: PathLike | None = None,
        packages: Sequence[str | tuple[str, str]] | None = None,
    ) -> list[PathLike]:
        """Every directory to search, the explicit one first, then the packages' in order."""
        directories: list[PathLike] = [] if directory is None else [directory]
        directories.extend(_package_directory(package) for package in packages or ())
        return directories

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # Nothing here speaks WebSocket: refuse the handshake (a close before any accept).
            await send({"type": "websocket.close", "code": 1000, "reason": ""})
            return
        if scope["type"] != "http":
            raise RuntimeError(f"StaticFiles serves HTTP only, not {scope['type']!r}")
        if not self.config_checked:
            await self.check_config()
            self.config_checked = True
        try:
            response = await self.get_response(self.get_path(scope), scope)
        except HTTPException as exc:
            # Inside an App its exception handlers decide the body; standalone (an ASGI server
            # or another framework in front) nobody would, so we answer instead of a 500.
            if "app" in scope:
                raise
            response = PlainTextResponse(exc.detail, exc.status_code, headers=exc.headers)
        await response(scope, receive, send)

    def get_path(self, scope: Scope) -> str:
        """The request path below the mount point, relative, "/"-joined."""
        return split_request_path(get_route_path(scope))

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The response for the relative `path`: a file, an index or a redirect.

        A miss raises HTTPException (404; 405 for a method other than GET/HEAD, 401 for a file
        the server may not read), so a subclass can catch it, e.g. to serve an SPA's index.html.
        """
        if scope["method"] not in _METHODS:
            raise HTTPException(405, headers=_ALLOW)
        if has_encoded_attack(scope.get("raw_path")):
            raise HTTPException(404)
        try:
            return await self._find(path, scope)
        except PermissionError:
            raise HTTPException(401) from None

    async def _find(self, path: str, scope: Scope) -> Response:
        full_path, stat_result = await run_in_threadpool(self.lookup_path, path)
        if stat_result is not None:
            if stat.S_ISREG(stat_result.st_mode):
                return self.file_response(full_path, stat_result, scope)
            if stat.S_ISDIR(stat_result.st_mode) and self.html:
                index = "index.html" if not path else f"{path}/index.html"
                full_path, stat_result = await run_in_threadpool(self.lookup_path, index)
                if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                    if not scope["path"].endswith("/"):
                        return self._redirect_to_slash(scope)
                    return self.file_response(full_path, stat_result, scope)
        if self.html:
            full_path, stat_result = await run_in_threadpool(self.lookup_path, "404.html")
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                return FileResponse(full_path, stat_result=stat_result, status_code=404)
        raise HTTPException(404)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The first existing match of `path` in the directories, or ("", None).

        Blocking (it resolves links and stats): call it through run_in_threadpool.
        """
        if is_unsafe(path):
            return "", None
        for root in self._roots:
            full_path = resolve_inside(root, path, follow_symlink=self.follow_symlink)
            if full_path is None:
                continue
            try:
                return full_path, os.stat(full_path)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                # A name too long or a symlink loop is a miss, not a server error.
                if exc.errno in _MISSES:
                    continue
                raise
        return "", None

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """A FileResponse, or a 304 when the client's validators still match."""
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response

    def is_not_modified(
        self, response_headers: Mapping[str, str], request_headers: Mapping[str, str]
    ) -> bool:
        """True when the client's If-None-Match / If-Modified-Since matches the file."""
        return is_not_modified(response_headers, request_headers)

    async def check_config(self) -> None:
        """Fail on the first request when the directory (unchecked at start-up) is unusable."""
        if self.directory is None:
            return
        directory = os.fspath(self.directory)
        try:
            stat_result = await run_in_threadpool(os.stat, directory)
        except FileNotFoundError:
            raise RuntimeError(f"Directory '{directory}' does not exist") from None
        if not stat.S_ISDIR(stat_result.st_mode):
            raise RuntimeError(f"StaticFiles path '{directory}' is not a directory")

    @staticmethod
    def _redirect_to_slash(scope: Scope) -> Response:
        # Relative Location: the last segment plus "/", so it works under any mount or proxy.
        last = scope["path"].rsplit("/", 1)[-1]
        location = quote(last) + "/"
        query: bytes = scope.get("query_string", b"")
        if query:
            location += "?" + query.decode("latin-1")
        return RedirectResponse(url=location, status_code=307)


__all__ = ["NotModifiedResponse", "StaticFiles"]
