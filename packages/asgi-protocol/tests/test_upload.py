import pytest

from asgi_protocol import _upload
from asgi_protocol._upload import SPOOL_MAX_SIZE
from asgi_protocol.datastructures import FormData, Headers, UploadFile


async def test_small_upload_stays_in_memory() -> None:
    upload = UploadFile.spooled(filename="a.txt", headers=Headers({"content-type": "text/plain"}))
    await upload.write(b"hello")
    assert upload.size == 5
    assert upload._in_memory
    await upload.seek(0)
    assert await upload.read() == b"hello"
    assert upload.content_type == "text/plain"
    assert upload.filename == "a.txt"
    await upload.close()
    assert upload.file.closed


async def test_large_upload_rolls_to_disk_and_still_reads() -> None:
    upload = UploadFile.spooled()
    block = b"x" * 65536
    for _ in range(SPOOL_MAX_SIZE // len(block) + 2):
        await upload.write(block)
    assert not upload._in_memory
    assert upload.size == len(block) * (SPOOL_MAX_SIZE // len(block) + 2)
    await upload.seek(0)
    assert await upload.read(3) == b"xxx"
    await upload.close()
    assert upload.file.closed


async def test_plain_file_objects_and_unknown_size(tmp_path: object) -> None:
    import io

    upload = UploadFile(io.BytesIO(b"data"))
    assert upload.size is None
    await upload.write(b"!")
    assert upload.size is None
    assert upload.content_type is None
    assert "UploadFile(filename=None" in repr(upload)


async def test_form_data_close_closes_every_file() -> None:
    first, second = UploadFile.spooled(filename="1"), UploadFile.spooled(filename="2")
    form = FormData([("a", first), ("field", "value"), ("b", second)])
    assert form["field"] == "value"
    await form.close()
    assert first.file.closed
    assert second.file.closed


async def test_the_write_that_rolls_over_runs_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = _upload.run_in_threadpool

    async def spy(func: object, *args: object) -> object:
        calls.append(getattr(func, "__name__", "?"))
        return await real(func, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_upload, "run_in_threadpool", spy)
    upload = UploadFile.spooled()
    await upload.write(b"x" * SPOOL_MAX_SIZE)  # exactly full: still in memory, no thread
    assert upload._in_memory
    assert calls == []
    await upload.write(b"y")  # this one rolls the spool to disk, so it runs in the pool
    assert calls == ["write"]
    assert not upload._in_memory
    assert upload.size == SPOOL_MAX_SIZE + 1
    await upload.close()
