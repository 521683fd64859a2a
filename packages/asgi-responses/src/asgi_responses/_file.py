"""FileResponse: a file from disk with ETag, Last-Modified, 304s, ranges and pathsend."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from collections.abc import AsyncIterator, Coroutine, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from secrets import token_hex
from typing import IO, Any
from urllib.parse import quote

from asgi_protocol.concurrency import open_in_threadpool, run_in_threadpool
from asgi_protocol.datastructures import Headers
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses._base import Response, websocket_denial_send
from asgi_responses._conditional import NOT_MODIFIED_HEADERS, is_not_modified
from asgi_responses._disconnect import send_fails_on_disconnect, send_until_disconnect
from asgi_responses._ranges import MAX_RANGES, parse_range
from asgi_responses._text import PlainTextResponse
from asgi_responses.exceptions import MalformedRangeHeader, RangeNotSatisfiable
from asgi_tasks import BackgroundTask

CHUNK_SIZE = 64 * 1024


@asynccontextmanager
async def _opened(path: str | os.PathLike[str]) -> AsyncIterator[IO[bytes]]:
    """The file, opened in a worker thread; closed on the way out, whatever ends the transfer.

    The close is a plain call, not an awaited one: an awaited close can itself be cancelled
    (anyio's cancel scopes cancel again at every await), and then the descriptor leaks.
    """
    file = await open_in_threadpool(path)
    try:
        yield file
    finally:
        file.close()


def content_disposition(disposition_type: str, filename: str) -> str:
    """`attachment; filename="x"`, or an RFC 5987 `filename*` when the name isn't plain ASCII.

    A name with a quote, a backslash or a control character is percent-encoded too, so it can
    never end the header value or add a parameter.
    """
    if all(32 <= ord(c) < 127 and c not in '"\\' for c in filename):
        return f'{disposition_type}; filename="{filename}"'
    return f"{disposition_type}; filename*=utf-8''{quote(filename, safe='')}"


class FileResponse(Response):
    """A file from disk, with validators, 304s, byte ranges, pathsend and disconnect handling.

    Ranges apply to GET and HEAD of a 200 response only; any other method gets the whole file.
    The body is read and sent chunk by chunk, and the file is closed however sending ends: done,
    a failed send, the client gone (`http.disconnect`, watched before ASGI 2.4), or cancelled.
    """

    chunk_size = CHUNK_SIZE
    max_ranges = MAX_RANGES

    def __init__(
        self,
        path: str | os.PathLike[str],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
        filename: str | None = None,
        stat_result: os.stat_result | None = None,
        method: str | None = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        self.path = path
        self.status_code = status_code
        self.filename = filename
        self.send_header_only = method is not None and method.upper() == "HEAD"
        if media_type is None:
            media_type = mimetypes.guess_type(filename or path)[0] or "application/octet-stream"
        self.media_type = media_type
        self.background = background
        self.init_headers(headers)
        self.headers.setdefault("accept-ranges", "bytes")
        if filename is not None:
            self.headers.setdefault(
                "content-disposition", content_disposition(content_disposition_type, filename)
            )
        self.stat_result = stat_result
        if stat_result is not None:
            self.set_stat_headers(stat_result)

    def set_stat_headers(self, stat_result: os.stat_result) -> None:
        size = str(stat_result.st_size)
        mtime = str(stat_result.st_mtime)
        etag = hashlib.md5((mtime + "-" + size).encode(), usedforsecurity=False).hexdigest()
        modified = datetime.fromtimestamp(stat_result.st_mtime, tz=UTC)
        self.headers.setdefault("content-length", size)
        self.headers.setdefault("last-modified", format_datetime(modified, usegmt=True))
        self.headers.setdefault("etag", f'"{etag}"')

    async def _stat(self) -> os.stat_result:
        try:
            result = await run_in_threadpool(os.stat, self.path)
        except (FileNotFoundError, NotADirectoryError):  # "dir/file.txt/x" is missing too
            raise RuntimeError(f"File at path {self.path} does not exist.") from None
        if not stat.S_ISREG(result.st_mode):
            raise RuntimeError(f"File at path {self.path} is not a file.")
        return result

    def _range_applies(self, if_range: str | None) -> bool:
        """If-Range: the range holds only while the file is unchanged (a strong validator)."""
        if if_range is None:
            return True
        if if_range.startswith("W/"):  # a weak tag can't vouch for bytes (RFC 9110 13.1.5)
            return False
        return if_range in (self.headers.get("etag"), self.headers.get("last-modified"))

    # -- sending --------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.stat_result is None:
            self.stat_result = await self._stat()
            self.set_stat_headers(self.stat_result)
        size = self.stat_result.st_size
        is_http = scope["type"] == "http"
        if not is_http:  # a denial response to a websocket handshake
            send = websocket_denial_send(send)
        method = scope.get("method", "GET").upper() if is_http else "GET"
        header_only = self.send_header_only or method == "HEAD"
        request = Headers(scope=scope)
        if method in ("GET", "HEAD") and self.status_code == 200:
            if is_not_modified(self.headers, request):
                await self._send_not_modified(send)
                await self._run_background()
                return
            range_header = request.get("range")
            if range_header is not None and self._range_applies(request.get("if-range")):
                await self._send_ranges(range_header, size, header_only, scope, receive, send)
                return
        await self._send_whole_file(scope, receive, send, header_only)

    async def _send_whole_file(
        self, scope: Scope, receive: Receive, send: Send, header_only: bool
    ) -> None:
        pathsend = scope["type"] == "http" and "http.response.pathsend" in (
            scope.get("extensions") or {}
        )
        sending = self._send_whole(send, header_only, pathsend)
        await self._finish(sending, scope, receive, header_only or pathsend)

    async def _send_ranges(
        self,
        range_header: str,
        size: int,
        header_only: bool,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        try:
            ranges = parse_range(range_header, size, self.max_ranges)
        except MalformedRangeHeader as exc:
            await PlainTextResponse(str(exc), 400)(scope, receive, send)
            return
        except RangeNotSatisfiable as exc:
            headers = {"content-range": f"bytes */{size}"}
            await PlainTextResponse(str(exc), 416, headers=headers)(scope, receive, send)
            return
        if ranges is None:  # too many parts: the whole file instead
            await self._send_whole_file(scope, receive, send, header_only)
        elif len(ranges) == 1:
            sending = self._send_single_range(send, ranges[0], size, header_only)
            await self._finish(sending, scope, receive, header_only)
        else:
            sending = self._send_multiple_ranges(send, ranges, size, header_only)
            await self._finish(sending, scope, receive, header_only)

    async def _finish(
        self, sending: Coroutine[Any, Any, None], scope: Scope, receive: Receive, quick: bool
    ) -> None:
        """Send the body (watching for a disconnect when the server can't report one), then
        run the background task: also after a disconnect, not after an error or cancellation."""
        if quick or scope["type"] != "http" or send_fails_on_disconnect(scope):
            await sending
        else:
            await send_until_disconnect(sending, receive)
        await self._run_background()

    async def _run_background(self) -> None:
        if self.background is not None:
            await self.background()

    async def _send_not_modified(self, send: Send) -> None:
        keep = {name.encode() for name in NOT_MODIFIED_HEADERS}
        headers = [(k, v) for k, v in self.raw_headers if k in keep]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _open(self) -> AbstractAsyncContextManager[IO[bytes]]:
        return _opened(self.path)

    async def _send_chunks(self, file: IO[bytes], send: Send, start: int, end: int) -> None:
        """Bytes [start, end) of the open file, as body messages with more_body=True."""
        file.seek(start)  # only moves the offset: no disk access, no need for a thread
        while start < end:
            chunk = await run_in_threadpool(file.read, min(self.chunk_size, end - start))
            if not chunk:  # the file shrank after its stat: the promised length can't be kept
                raise RuntimeError(f"File at path {self.path} is shorter than expected.")
            start += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def _send_whole(self, send: Send, header_only: bool, pathsend: bool) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if header_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        elif pathsend:
            await send({"type": "http.response.pathsend", "path": os.fspath(self.path)})
        else:
            async with self._open() as file:
                await self._send_chunks(file, send, 0, self.stat_result.st_size)  # type: ignore[union-attr]
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _headers_without(self, *names: bytes) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in self.raw_headers if k not in names]

    async def _send_single_range(
        self, send: Send, byte_range: tuple[int, int], size: int, header_only: bool
    ) -> None:
        start, end = byte_range
        headers = self._headers_without(b"content-length", b"content-range")
        headers.append((b"content-range", f"bytes {start}-{end - 1}/{size}".encode()))
        headers.append((b"content-length", str(end - start).encode()))
        await send({"type": "http.response.start", "status": 206, "headers": headers})
        if not header_only:
            async with self._open() as file:
                await self._send_chunks(file, send, start, end)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _send_multiple_ranges(
        self, send: Send, ranges: list[tuple[int, int]], size: int, header_only: bool
    ) -> None:
        # multipart/byteranges (RFC 9110 14.6): a head per part, the bytes, CRLF; then the end.
        boundary = token_hex(13)  # ~100 bits, as browsers use for their own boundaries
        content_type = self.headers.get("content-type", "application/octet-stream")
        part_heads = [
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {start}-{end - 1}/{size}\r\n\r\n"
            ).encode("latin-1")
            for start, end in ranges
        ]
        closing = f"--{boundary}--".encode()
        length = sum(len(h) + (e - s) + 2 for h, (s, e) in zip(part_heads, ranges, strict=True))
        length += len(closing)
        headers = self._headers_without(b"content-length", b"content-type", b"content-range")
        headers.append((b"content-type", f"multipart/byteranges; boundary={boundary}".encode()))
        headers.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": 206, "headers": headers})
        if header_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        async with self._open() as file:  # one open file for every part
            for head, (start, end) in zip(part_heads, ranges, strict=True):
                await send({"type": "http.response.body", "body": head, "more_body": True})
                await self._send_chunks(file, send, start, end)
                await send({"type": "http.response.body", "body": b"\r\n", "more_body": True})
        await send({"type": "http.response.body", "body": closing, "more_body": False})
