"""UploadFile and FormData: what a parsed form hands to the app."""

from __future__ import annotations

import tempfile
from typing import IO, Any

from asgi_protocol._filenames import safe_filename
from asgi_protocol._headers import Headers
from asgi_protocol._multidict import ImmutableMultiDict
from asgi_protocol.concurrency import run_in_threadpool

SPOOL_MAX_SIZE = 1024 * 1024  # bytes held in memory before a file rolls over to disk


class UploadFile:
    """An uploaded file, spooled: small ones stay in memory, large ones go to a temp file.

    The async methods only hop to a thread once the file is on disk, where a read can block.
    `filename` is only ever a name, never a path (asgi_protocol._filenames has the rules);
    `raw_filename` is what was given, for whoever wants it on purpose.
    """

    def __init__(
        self,
        file: IO[bytes],
        *,
        size: int | None = None,
        filename: str | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.filename = filename
        self.file = file
        self.size = size
        self.headers = headers or Headers()

    @property
    def filename(self) -> str | None:
        """The client's file name with no separator, drive, control or `.`/`..` left in it."""
        return self._filename

    @filename.setter
    def filename(self, value: str | None) -> None:
        self._raw_filename = value
        self._filename = None if value is None else safe_filename(value)

    @property
    def raw_filename(self) -> str | None:
        """The file name as given (a form's: as the client sent it, decoded): may be a path."""
        return self._raw_filename

    @classmethod
    def spooled(cls, *, filename: str | None = None, headers: Headers | None = None) -> UploadFile:
        """An empty UploadFile over a fresh SpooledTemporaryFile (what form parsers use)."""
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115
        return cls(spool, size=0, filename=filename, headers=headers)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def _in_memory(self) -> bool:
        rolled = getattr(self.file, "_rolled", True)
        return not rolled

    def _write_stays_in_memory(self, data: bytes) -> bool:
        # A write that pushes the spool past its max size rolls it to disk (blocking I/O),
        # so only writes that fit stay on the loop.
        if not self._in_memory:
            return False
        max_size: int = getattr(self.file, "_max_size", 0)
        return self.file.tell() + len(data) <= max_size

    async def write(self, data: bytes) -> None:
        if self.size is not None:
            self.size += len(data)
        if self._write_stays_in_memory(data):
            self.file.write(data)
        else:
            await run_in_threadpool(self.file.write, data)

    async def read(self, size: int = -1) -> bytes:
        if self._in_memory:
            return self.file.read(size)
        return await run_in_threadpool(self.file.read, size)

    async def seek(self, offset: int) -> None:
        if self._in_memory:
            self.file.seek(offset)
        else:
            await run_in_threadpool(self.file.seek, offset)

    async def close(self) -> None:
        if self._in_memory:
            self.file.close()
        else:
            await run_in_threadpool(self.file.close)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(filename={self.filename!r}, size={self.size!r}, "
            f"headers={self.headers!r})"
        )


class FormData(ImmutableMultiDict[str, "UploadFile | str"]):
    """A parsed form: field values as str, files as UploadFile."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    async def close(self) -> None:
        """Close every UploadFile (removing its temp file)."""
        for _, value in self.multi_items():
            if isinstance(value, UploadFile):
                await value.close()
