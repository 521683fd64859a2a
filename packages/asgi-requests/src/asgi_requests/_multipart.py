"""multipart/form-data, streamed through python-multipart with limits at every level.

The parser's callbacks only record events; the async loop then applies them, so file writes
(which may go to disk) happen outside the callback and every limit is checked as data arrives,
never after the whole body was buffered.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

from asgi_protocol.datastructures import FormData, Headers, UploadFile
from asgi_requests._forms import parse_options_header
from asgi_requests.exceptions import FormError, MultipartNotInstalled

_BOUNDARY = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$")
MAX_HEADER_COUNT = 16
MAX_HEADER_SIZE = 8192


def _multipart_module() -> Any:
    try:
        import python_multipart.multipart as module
    except ImportError:
        raise MultipartNotInstalled() from None
    return module


def client_filename(params: dict[str, str]) -> str | None:
    """The client's file name: `filename*` (RFC 5987/7578) preferred, basename only.

    Never used as a path: separators are stripped so `../../etc/passwd` reports `passwd`.
    """
    name: str | None = None
    extended = params.get("filename*")
    if extended is not None:
        charset, _, rest = extended.partition("'")
        _, _, encoded = rest.partition("'")
        try:
            codecs.lookup(charset or "utf-8")
            name = unquote(encoded, encoding=charset or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            name = None
    if name is None:
        name = params.get("filename")
    if name is None:
        return None
    return re.split(r"[/\\]", name)[-1].replace("\x00", "")


class _Part:
    __slots__ = ("data", "file", "headers", "name", "size")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.name = ""
        self.file: UploadFile | None = None
        self.data = bytearray()
        self.size = 0


class MultiPartParser:
    def __init__(
        self,
        headers: Headers,
        stream: AsyncIterator[bytes],
        *,
        max_files: int = 1000,
        max_fields: int = 1000,
        max_part_size: int = 1024 * 1024,
        max_file_size: int | None = None,
    ) -> None:
        self.headers = headers
        self.stream = stream
        self.max_files = max_files
        self.max_fields = max_fields
        self.max_part_size = max_part_size
        self.max_file_size = max_file_size
        self.events: list[tuple[str, bytes]] = []
        self.items: list[tuple[str, str | UploadFile]] = []
        self.files: list[UploadFile] = []
        self.fields = 0
        self.finished = False

    def _boundary(self) -> bytes:
        _, params = parse_options_header(self.headers.get("content-type", ""))
        boundary = params.get("boundary")
        if boundary is None:
            raise FormError("Missing boundary in multipart/form-data content type.")
        if not _BOUNDARY.match(boundary):
            raise FormError("Malformed boundary in multipart/form-data content type.")
        return boundary.encode("latin-1")

    def _callbacks(self) -> dict[str, Any]:
        events = self.events

        def record(kind: str) -> Any:
            def on_event(data: bytes | None = None, start: int = 0, end: int = 0) -> None:
                events.append((kind, b"" if data is None else bytes(data[start:end])))

            return on_event

        names = ("part_begin", "part_data", "part_end", "header_field", "header_value",
                 "header_end", "headers_finished", "end")  # fmt: skip
        return {f"on_{name}": record(name) for name in names}

    async def parse(self) -> FormData:
        module = _multipart_module()
        boundary = self._boundary()
        parser = module.MultipartParser(
            boundary,
            self._callbacks(),
            max_header_count=MAX_HEADER_COUNT,
            max_header_size=MAX_HEADER_SIZE,
        )
        part = _Part()
        field = value = b""
        try:
            async for chunk in self.stream:
                try:
                    parser.write(chunk)
                except (
                    Exception
                ) as exc:  # python-multipart raises several types; all mean "malformed"
                    raise FormError(f"Malformed multipart body: {exc}") from None
                for kind, data in self.events:
                    if kind == "part_begin":
                        part = _Part()
                    elif kind == "header_field":
                        field += data
                    elif kind == "header_value":
                        value += data
                    elif kind == "header_end":
                        part.headers.append((field.lower(), value))
                        field = value = b""
                    elif kind == "headers_finished":
                        self._start_part(part)
                    elif kind == "part_data":
                        await self._part_data(part, data)
                    elif kind == "part_end":
                        await self._end_part(part)
                    else:  # "end"
                        self.finished = True
                self.events.clear()
            if not self.finished:
                raise FormError("Truncated multipart body: the closing boundary is missing.")
        except BaseException:
            for file in self.files:
                await file.close()
            raise
        for file in self.files:
            await file.seek(0)
        return FormData(self.items)

    def _start_part(self, part: _Part) -> None:
        disposition = dict(part.headers).get(b"content-disposition")
        if disposition is None:
            raise FormError("Missing Content-Disposition header in a multipart part.")
        _, params = parse_options_header(disposition.decode("latin-1"))
        if "name" not in params:
            raise FormError('Missing "name" in a multipart Content-Disposition header.')
        part.name = params["name"].encode("latin-1").decode("utf-8", errors="replace")
        filename = client_filename(params)
        if filename is not None or "filename*" in params:
            if len(self.files) >= self.max_files:
                raise FormError(f"Too many files. Maximum number of files is {self.max_files}.")
            headers = Headers(raw=part.headers)
            part.file = UploadFile.spooled(filename=filename, headers=headers)
            self.files.append(part.file)
        else:
            self.fields += 1
            if self.fields > self.max_fields:
                raise FormError(f"Too many fields. Maximum number of fields is {self.max_fields}.")

    async def _part_data(self, part: _Part, data: bytes) -> None:
        part.size += len(data)
        if part.file is None:
            if part.size > self.max_part_size:
                raise FormError(
                    f"Part {part.name!r} exceeds the limit of {self.max_part_size} bytes."
                )
            part.data += data
            return
        if self.max_file_size is not None and part.size > self.max_file_size:
            raise FormError(f"File {part.name!r} exceeds the limit of {self.max_file_size} bytes.")
        await part.file.write(data)

    async def _end_part(self, part: _Part) -> None:
        if part.file is not None:
            self.items.append((part.name, part.file))
        else:
            self.items.append((part.name, part.data.decode("utf-8", errors="replace")))
