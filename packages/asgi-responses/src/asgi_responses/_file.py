"""FileResponse: a file from disk with ETag, Last-Modified, 304s, ranges and pathsend."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from secrets import token_hex
from typing import Any
from urllib.parse import quote

from asgi_protocol.concurrency import run_in_threadpool
from asgi_protocol.datastructures import Headers
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses._base import Response, content_type_header
from asgi_responses._ranges import RangeNotSatisfiable, parse_range
from asgi_tasks import BackgroundTask

CHUNK_SIZE = 64 * 1024


def _aiofiles() -> Any:
    try:
        import aiofiles
    except ImportError:
        raise RuntimeError(
            "FileResponse needs aiofiles: pip install 'asgi-responses[files]'"
        ) from None
    return aiofiles


def content_disposition(disposition_type: str, filename: str) -> str:
    """`attachment; filename="x"` with an RFC 5987 `filename*` when the name isn't plain ASCII.

    The ASCII fallback drops quotes, backslashes and control characters, so a name can never
    end the header value or add a parameter.
    """
    fallback = "".join(c for c in filename if 32 <= ord(c) < 127 and c not in '"\\')
    if fallback == filename:
        return f'{disposition_type}; filename="{filename}"'
    encoded = quote(filename, safe="")
    return f"{disposition_type}; filename=\"{fallback}\"; filename*=utf-8''{encoded}"


class FileResponse(Response):
    chunk_size = CHUNK_SIZE

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
        self.media_type = media_type or mimetypes.guess_type(filename or path)[0] or "text/plain"
        self.background = background
        self.init_headers(headers)
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
        self.headers.setdefault("accept-ranges", "bytes")

    async def _stat(self) -> os.stat_result:
        try:
            result = await run_in_threadpool(os.stat, self.path)
        except (FileNotFoundError, NotADirectoryError):  # "dir/file.txt/x" is missing too
            raise RuntimeError(f"File at path {self.path} does not exist.") from None
        if not stat.S_ISREG(result.st_mode):
            raise RuntimeError(f"File at path {self.path} is not a file.")
        return result

    # -- conditional requests -------------------------------------------------------------
    def _not_modified(self, request: Headers) -> bool:
        etag = self.headers.get("etag")
        if_none_match = request.get("if-none-match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = request.get("if-modified-since")
        last_modified = self.headers.get("last-modified")
        if if_modified_since and last_modified:
            try:
                return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(
                    if_modified_since
                )
            except (TypeError, ValueError):
                return False
        return False

    def _range_applies(self, request: Headers) -> bool:
        if_range = request.get("if-range")
        if if_range is None:
            return True
        if_range = if_range.strip()
        if if_range.startswith(('"', "W/")):
            return if_range == self.headers.get("etag")
        return if_range == self.headers.get("last-modified")

    # -- sending --------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.stat_result is None:
            self.stat_result = await self._stat()
            self.set_stat_headers(self.stat_result)
        request = Headers(scope=scope)
        method = scope.get("method", "GET")
        header_only = self.send_header_only or method == "HEAD"
        size = self.stat_result.st_size
        if method in ("GET", "HEAD") and self.status_code == 200 and self._not_modified(request):
            await self._send_not_modified(send)
        else:
            range_header = request.get("range")
            ranges = None
            if (
                range_header is not None
                and self.status_code == 200
                and self._range_applies(request)
            ):
                try:
                    ranges = parse_range(range_header, size)
                except RangeNotSatisfiable as exc:
                    await self._send_unsatisfiable(send, size, str(exc), header_only)
                    return
            if ranges is None:
                await self._send_whole(scope, send, header_only)
            elif len(ranges) == 1:
                await self._send_single_range(send, ranges[0], size, header_only)
            else:
                await self._send_multiple_ranges(send, ranges, size, header_only)
        if self.background is not None:
            await self.background()

    async def _send_not_modified(self, send: Send) -> None:
        keep = (
            b"etag",
            b"last-modified",
            b"cache-control",
            b"vary",
            b"content-location",
            b"expires",
        )
        headers = [(k, v) for k, v in self.raw_headers if k in keep]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _send_unsatisfiable(
        self, send: Send, size: int, reason: str, header_only: bool
    ) -> None:
        body = reason.encode()
        headers = [
            (b"content-range", f"bytes */{size}".encode()),
            content_type_header("text/plain", "utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 416, "headers": headers})
        # HEAD: same headers (the length of the reason included), no body.
        await send(
            {"type": "http.response.body", "body": b"" if header_only else body, "more_body": False}
        )

    async def _send_whole(self, scope: Scope, send: Send, header_only: bool) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if header_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        elif "http.response.pathsend" in (scope.get("extensions") or {}):
            await send({"type": "http.response.pathsend", "path": os.fspath(self.path)})
        else:
            await self._send_file_part(send, 0, self.stat_result.st_size, last=True)  # type: ignore[union-attr]

    async def _send_file_part(self, send: Send, start: int, end: int, last: bool) -> None:
        aiofiles = _aiofiles()
        async with aiofiles.open(self.path, mode="rb") as file:
            await file.seek(start)
            remaining = end - start
            while remaining > 0:
                chunk = await file.read(min(self.chunk_size, remaining))
                if not chunk:
                    break  # the file shrank underneath us; stop rather than spin
                remaining -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if last:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _headers_without(self, *names: bytes) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in self.raw_headers if k not in names]

    async def _send_single_range(
        self, send: Send, byte_range: tuple[int, int], size: int, header_only: bool
    ) -> None:
        start, end = byte_range
        headers = self._headers_without(b"content-length")
        headers.append((b"content-range", f"bytes {start}-{end - 1}/{size}".encode()))
        headers.append((b"content-length", str(end - start).encode()))
        await send({"type": "http.response.start", "status": 206, "headers": headers})
        if header_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await self._send_file_part(send, start, end, last=True)

    async def _send_multiple_ranges(
        self, send: Send, ranges: list[tuple[int, int]], size: int, header_only: bool
    ) -> None:
        boundary = token_hex(13)
        content_type = dict(self.raw_headers).get(b"content-type", b"application/octet-stream")
        part_heads = [
            (
                f"--{boundary}\r\ncontent-type: {content_type.decode('latin-1')}\r\n"
                f"content-range: bytes {start}-{end - 1}/{size}\r\n\r\n"
            ).encode("latin-1")
            for start, end in ranges
        ]
        closing = f"--{boundary}--\r\n".encode()
        length = sum(len(h) + (e - s) + 2 for h, (s, e) in zip(part_heads, ranges, strict=True))
        length += len(closing)
        headers = self._headers_without(b"content-length", b"content-type")
        headers.append((b"content-type", f"multipart/byteranges; boundary={boundary}".encode()))
        headers.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": 206, "headers": headers})
        if header_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        for head, (start, end) in zip(part_heads, ranges, strict=True):
            await send({"type": "http.response.body", "body": head, "more_body": True})
            await self._send_file_part(send, start, end, last=False)
            await send({"type": "http.response.body", "body": b"\r\n", "more_body": True})
        await send({"type": "http.response.body", "body": closing, "more_body": False})
