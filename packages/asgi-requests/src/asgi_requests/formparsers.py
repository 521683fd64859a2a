"""The form body parsers: urlencoded (no dependency) and multipart (the `[multipart]` extra).

Both stream: every limit is checked as data arrives, never after the whole body was buffered.
Every refusal is a MultiPartException (our FormError: a 400 with a short reason), whichever
encoding the form used. The multipart parser's callbacks only record events; the async loop
then applies them, so file writes (which may go to disk) happen outside the callback.
"""

from __future__ import annotations

import codecs
import enum
import re
import warnings
from collections.abc import AsyncIterator
from tempfile import SpooledTemporaryFile
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from asgi_protocol.datastructures import FormData, Headers, UploadFile
from asgi_protocol.exceptions import ToolkitDeprecationWarning
from asgi_requests._forms import parse_options_header
from asgi_requests.exceptions import FormError, MultipartNotInstalled

#: Starlette's name for the error a form parser raises; here it is FormError itself.
MultiPartException = FormError

_BOUNDARY = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$")
MAX_HEADER_COUNT = 8  # headers in one part, as python-multipart's default
MAX_HEADER_SIZE = 8192  # bytes in one header line of a part
# `;` in one part's Content-Disposition (a form's has two or three): each parameter is parsed
# in Python, so 8 KB of `;a=b` in each of 1000 parts would cost a second per request.
MAX_DISPOSITION_PARAMETERS = 64
INVALID = "Invalid multipart data."
FEED_SIZE = 64 * 1024  # bytes handed to python-multipart at a time
# A file's data is written once this much has gathered, or at the end of a message or of the
# part: a 12 MB message is 12 writes, not 190 (each a hop to a thread once the file is on disk).
WRITE_SIZE = 1024 * 1024


def _size(limit: int) -> str:
    """A limit as a reason says it: `1024KB` for whole kilobytes, else `100 bytes`."""
    return f"{limit // 1024}KB" if limit % 1024 == 0 else f"{limit} bytes"


class _FormMessageMeta(enum.EnumMeta):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            "`FormMessage` is deprecated: no parser uses it any more, and it will be removed.",
            ToolkitDeprecationWarning,
            stacklevel=2,
        )
        return super().__call__(*args, **kwargs)


class FormMessage(enum.Enum, metaclass=_FormMessageMeta):
    """The events of Starlette's old urlencoded parser, kept only so that imports still work."""

    FIELD_START = 1
    FIELD_NAME = 2
    FIELD_DATA = 3
    FIELD_END = 4
    END = 5


_AMPERSANDS = re.compile(rb"&*")


def _decode_urlencoded(raw: bytes | bytearray) -> str:
    # `+` is a space; percent-escapes and raw bytes alike are read as UTF-8.
    return unquote_to_bytes(bytes(raw).replace(b"+", b" ")).decode("utf-8", errors="replace")


class FormParser:
    """`application/x-www-form-urlencoded`, parsed as it streams in, without any dependency.

    A field's name and its value may each hold `max_part_size` encoded bytes; past
    `max_fields` fields, or past a size, parsing stops at once, even inside one chunk.
    `headers` is taken for Starlette's signature: nothing in them changes how this parses.
    """

    def __init__(
        self,
        headers: Headers,
        stream: AsyncIterator[bytes],
        *,
        max_fields: int = 1000,
        max_part_size: int = 1024 * 1024,
    ) -> None:
        self.headers = headers
        self.stream = stream
        self.max_fields = max_fields
        self.max_part_size = max_part_size
        self._current_fields = 0
        self._field_name = bytearray()
        self._field_value = bytearray()
        self._in_value = False  # the field's `=` was seen
        self._items: list[tuple[str, str | UploadFile]] = []

    def _append(self, buffer: bytearray, data: bytes, start: int, end: int) -> None:
        if len(buffer) + end - start > self.max_part_size:
            raise FormError(f"Field exceeded maximum size of {_size(self.max_part_size)}.")
        buffer += data[start:end]

    def _take(self, data: bytes, start: int, end: int) -> None:
        """data[start:end], a piece of one field without any `&`."""
        if not self._in_value:
            equals = data.find(b"=", start, end)
            if equals < 0:
                self._append(self._field_name, data, start, end)
                return
            self._append(self._field_name, data, start, equals)
            self._in_value = True
            start = equals + 1
        self._append(self._field_value, data, start, end)

    def _end_field(self) -> None:
        if not self._field_name and not self._in_value:
            return  # `&&`: nothing between the separators
        self._current_fields += 1
        if self._current_fields > self.max_fields:
            raise FormError(f"Too many fields. Maximum number of fields is {self.max_fields}.")
        name, value = _decode_urlencoded(self._field_name), _decode_urlencoded(self._field_value)
        self._items.append((name, value))
        self._field_name, self._field_value, self._in_value = bytearray(), bytearray(), False

    async def parse(self) -> FormData:
        async for chunk in self.stream:
            start = 0
            while (separator := chunk.find(b"&", start)) >= 0:
                self._take(chunk, start, separator)
                self._end_field()
                start = separator + 1
                if chunk.startswith(b"&", start):
                    # `&&&...` holds no field, so no limit counts it: pass the run over in
                    # one match rather than once per byte (12 MB of `&` took seconds). `&*`
                    # always matches, which mypy can't know.
                    start = _AMPERSANDS.match(chunk, start).end()  # type: ignore[union-attr]
            self._take(chunk, start, len(chunk))
        self._end_field()
        return FormData(self._items)


def _multipart_module() -> Any:
    try:
        import python_multipart.multipart as module
    except ImportError:
        raise MultipartNotInstalled() from None
    return module


def client_filename(params: dict[str, str], charset: str = "utf-8") -> str | None:
    """The client's file name, decoded: `filename*` (RFC 5987/7578) preferred, else `filename`.

    Returned as sent, path and all: UploadFile keeps it as `raw_filename` and makes its
    `filename` a safe name. `params` hold header text as latin-1; a plain `filename` is read
    in the form's charset; a `filename*` that doesn't decode is ignored.
    """
    name: str | None = None
    extended = params.get("filename*")
    if extended is not None:
        encoding, _, rest = extended.partition("'")
        _, _, encoded = rest.partition("'")
        try:
            codecs.lookup(encoding or "utf-8")
            name = unquote(encoded, encoding=encoding or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            name = None
    if name is None and "filename" in params:
        name = _decode(params["filename"].encode("latin-1"), charset)
    return name


def _decode(data: bytes | bytearray, charset: str) -> str:
    """Text in the form's charset; bytes that aren't valid in it are read as latin-1."""
    try:
        return data.decode(charset)
    except UnicodeDecodeError:
        return data.decode("latin-1")


class _Part:
    __slots__ = ("data", "file", "headers", "name", "size")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.name = ""
        self.file: UploadFile | None = None
        self.data = bytearray()  # a field's value, or a file's bytes not written yet
        self.size = 0


class MultiPartParser:
    """`multipart/form-data`, streamed through python-multipart.

    Fields are held in memory up to `max_part_size` each; files spool to a temporary file
    past `spool_max_size` bytes (the rollover runs in a thread) and may be capped with
    `max_file_size`. Text is read in the Content-Type's `charset` (UTF-8 by default).
    """

    spool_max_size = 1024 * 1024

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
        self.charset = "utf-8"
        self._part = _Part()
        self._header_field = self._header_value = b""

    def _boundary_and_charset(self) -> bytes:
        _, params = parse_options_header(self.headers.get("content-type", ""))
        try:  # looked up once per form, not once per part
            self.charset = codecs.lookup(params.get("charset", "utf-8")).name
        except LookupError:
            self.charset = "latin-1"
        boundary = params.get("boundary")
        if boundary is None:
            raise FormError("Missing boundary in multipart.")
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
        boundary = self._boundary_and_charset()
        parser = module.MultipartParser(
            boundary,
            self._callbacks(),
            max_header_count=MAX_HEADER_COUNT,
            max_header_size=MAX_HEADER_SIZE,
        )
        try:
            async for chunk in self.stream:
                # However large the server's chunks, the parser sees at most FEED_SIZE bytes
                # at a time: the events it records, and the work before a limit stops it,
                # stay bounded.
                for start in range(0, len(chunk), FEED_SIZE):
                    try:
                        parser.write(chunk[start : start + FEED_SIZE])
                    except Exception as exc:  # python-multipart raises several types
                        raise FormError(INVALID) from exc
                    await self._apply_events()
                await self._write_file_data(self._part)
            if not self.finished:
                raise FormError("Truncated multipart body: the closing boundary is missing.")
        except BaseException:
            for file in self.files:
                await file.close()
            raise
        for file in self.files:
            await file.seek(0)
        return FormData(self.items)

    async def _apply_events(self) -> None:
        part = self._part
        for kind, data in self.events:
            if kind == "part_begin":
                part = self._part = _Part()
            elif kind == "header_field":
                self._header_field += data
            elif kind == "header_value":
                self._header_value += data
            elif kind == "header_end":
                part.headers.append((self._header_field.lower(), self._header_value))
                self._header_field = self._header_value = b""
            elif kind == "headers_finished":
                self._start_part(part)
            elif kind == "part_data":
                await self._part_data(part, data)
            elif kind == "part_end":
                await self._write_file_data(part)
                self._end_part(part)
            else:  # "end"
                self.finished = True
        self.events.clear()

    def _start_part(self, part: _Part) -> None:
        disposition = dict(part.headers).get(b"content-disposition", b"")
        if disposition.count(b";") > MAX_DISPOSITION_PARAMETERS:
            raise FormError("Too many parameters in a part's Content-Disposition header.")
        _, params = parse_options_header(disposition.decode("latin-1"))
        if "name" not in params:
            raise FormError('The Content-Disposition header field "name" must be provided.')
        part.name = _decode(params["name"].encode("latin-1"), self.charset)
        if "filename" in params or "filename*" in params:
            if len(self.files) >= self.max_files:
                raise FormError(f"Too many files. Maximum number of files is {self.max_files}.")
            # Looked up here at each file, so a test may patch this module's name.
            spool = SpooledTemporaryFile(max_size=self.spool_max_size)  # noqa: SIM115
            part.file = UploadFile(
                spool,
                size=0,
                filename=client_filename(params, self.charset),
                headers=Headers(raw=part.headers),
            )
            self.files.append(part.file)
        else:
            self.fields += 1
            if self.fields > self.max_fields:
                raise FormError(f"Too many fields. Maximum number of fields is {self.max_fields}.")

    async def _part_data(self, part: _Part, data: bytes) -> None:
        part.size += len(data)
        if part.file is None:
            if part.size > self.max_part_size:
                raise FormError(f"Part exceeded maximum size of {_size(self.max_part_size)}.")
            part.data += data
            return
        if self.max_file_size is not None and part.size > self.max_file_size:
            raise FormError(f"File exceeded maximum size of {_size(self.max_file_size)}.")
        part.data += data
        if len(part.data) >= WRITE_SIZE:
            await self._write_file_data(part)

    async def _write_file_data(self, part: _Part) -> None:
        if part.file is not None and part.data:
            await part.file.write(bytes(part.data))
            part.data.clear()

    def _end_part(self, part: _Part) -> None:
        if part.file is not None:
            self.items.append((part.name, part.file))
        else:
            self.items.append((part.name, _decode(part.data, self.charset)))


__all__ = ["FormMessage", "FormParser", "MultiPartException", "MultiPartParser"]
