from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from static_driver import call

from asgi_protocol.exceptions import HTTPException
from asgi_staticfiles import NotModifiedResponse, StaticFiles


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A served directory with files, a sub-directory, and a secret next to it."""
    served = tmp_path / "static"
    served.mkdir()
    (served / "hello.txt").write_text("hello")
    (served / "sub").mkdir()
    (served / "sub" / "index.html").write_text("<p>sub index</p>")
    (served / "sub" / "note.txt").write_text("note")
    (served / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("top secret")
    return served


@pytest.fixture
def app(root: Path) -> StaticFiles:
    return StaticFiles(directory=root)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An importable package `fakepkg` with statics/ and assets/ folders."""
    pkg = tmp_path / "site" / "fakepkg"
    (pkg / "statics").mkdir(parents=True)
    (pkg / "assets").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "statics" / "a.css").write_text("body{}")
    (pkg / "assets" / "b.js").write_text("let b")
    (pkg / "nodir.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    yield "fakepkg"
    sys.modules.pop("fakepkg", None)


async def test_serves_file(app: StaticFiles) -> None:
    result = await call(app, "/hello.txt")
    assert result.status == 200
    assert result.body == b"hello"
    assert result.headers["content-type"].startswith("text/plain")
    assert "etag" in result.headers
    assert "last-modified" in result.headers


async def test_head(app: StaticFiles) -> None:
    result = await call(app, "/hello.txt", method="HEAD")
    assert result.status == 200
    assert result.body == b""


async def test_nested_file(app: StaticFiles) -> None:
    assert (await call(app, "/sub/note.txt")).body == b"note"


async def test_missing_file(app: StaticFiles) -> None:
    result = await call(app, "/nope.txt")
    assert (result.status, result.body) == (404, b"Not Found")


async def test_directory_without_html_is_404(app: StaticFiles) -> None:
    assert (await call(app, "/sub/")).status == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_method_not_allowed(app: StaticFiles, method: str) -> None:
    result = await call(app, "/hello.txt", method=method)
    assert result.status == 405
    assert result.headers["allow"] == "GET, HEAD"
    assert result.body == b"Method Not Allowed"


async def test_errors_raise_inside_an_app(app: StaticFiles) -> None:
    with pytest.raises(HTTPException) as info:
        await call(app, "/nope.txt", extra={"app": object()})
    assert info.value.status_code == 404
    with pytest.raises(HTTPException) as info:
        await call(app, "/hello.txt", method="POST", extra={"app": object()})
    assert info.value.status_code == 405
    assert info.value.headers == {"Allow": "GET, HEAD"}


async def test_mounted_path(app: StaticFiles) -> None:
    result = await call(app, "/static/sub/note.txt", root_path="/static")
    assert result.body == b"note"


async def test_websocket_handshake_is_closed_not_crashed(app: StaticFiles) -> None:
    sent: list[Any] = []

    async def receive() -> Any:
        raise AssertionError  # pragma: no cover - nothing to read

    async def send(message: Any) -> None:
        sent.append(message)

    await app({"type": "websocket", "path": "/hello.txt"}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1000, "reason": ""}]


async def test_other_scope_types_are_a_clear_error(app: StaticFiles) -> None:
    with pytest.raises(RuntimeError, match="HTTP only"):
        await app({"type": "lifespan"}, None, None)  # type: ignore[arg-type]


async def test_get_response_raises_for_a_subclass_to_catch(root: Path) -> None:
    # The SPA pattern: a miss falls back to index.html, which needs get_response to raise.
    (root / "index.html").write_text("spa")

    class SPAFiles(StaticFiles):
        async def get_response(self, path: str, scope: Any) -> Any:
            try:
                return await super().get_response(path, scope)
            except HTTPException as exc:
                if exc.status_code != 404:
                    raise
                return await super().get_response("index.html", scope)

    spa = SPAFiles(directory=root)
    assert (await call(spa, "/some/client/route")).body == b"spa"
    assert (await call(spa, "/hello.txt", method="POST")).status == 405
    plain = StaticFiles(directory=root)
    with pytest.raises(HTTPException) as info:
        await plain.get_response("missing.txt", {"method": "GET", "headers": []})
    assert (info.value.status_code, info.value.detail) == (404, "Not Found")


async def test_quoted_tag_with_commas_is_one_tag(app: StaticFiles) -> None:
    # '"foo,*,bar"' is a single entity-tag, not a list holding the wildcard.
    result = await call(app, "/hello.txt", headers={"if-none-match": '"foo,*,bar"'})
    assert result.status == 200
    assert (await call(app, "/hello.txt", headers={"if-none-match": " \t* "})).status == 304


# ---- conditional requests -------------------------------------------------------------------


async def test_etag_not_modified(app: StaticFiles) -> None:
    first = await call(app, "/hello.txt")
    again = await call(app, "/hello.txt", headers={"if-none-match": first.headers["etag"]})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["etag"] == first.headers["etag"]
    changed = await call(app, "/hello.txt", headers={"if-none-match": '"other"'})
    assert changed.status == 200


async def test_if_modified_since(app: StaticFiles) -> None:
    first = await call(app, "/hello.txt")
    lm = first.headers["last-modified"]
    assert (await call(app, "/hello.txt", headers={"if-modified-since": lm})).status == 304
    old = "Mon, 01 Jan 1990 00:00:00 GMT"
    assert (await call(app, "/hello.txt", headers={"if-modified-since": old})).status == 200


def test_not_modified_response_keeps_validators() -> None:
    response = NotModifiedResponse({"etag": '"x"', "content-type": "text/plain", "vary": "a"})
    assert response.status_code == 304
    assert response.headers.get("etag") == '"x"'
    assert response.headers.get("vary") == "a"
    assert response.headers.get("content-type") is None


# ---- html mode -----------------------------------------------------------------------------


async def test_html_index(root: Path) -> None:
    app = StaticFiles(directory=root, html=True)
    result = await call(app, "/sub/")
    assert (result.status, result.body) == (200, b"<p>sub index</p>")
    assert result.headers["content-type"].startswith("text/html")


async def test_html_root_index(root: Path) -> None:
    (root / "index.html").write_text("home")
    app = StaticFiles(directory=root, html=True)
    assert (await call(app, "/")).body == b"home"
    # A Mount at /static receiving "/static": empty route path, redirect to "static/".
    result = await call(app, "/static", root_path="/static")
    assert (result.status, result.headers["location"]) == (307, "static/")


async def test_html_redirects_to_slash_keeping_query(root: Path) -> None:
    app = StaticFiles(directory=root, html=True)
    result = await call(app, "/sub", query_string=b"a=1&b=2")
    assert result.status == 307
    assert result.headers["location"] == "sub/?a=1&b=2"
    plain = await call(app, "/sub")
    assert plain.headers["location"] == "sub/"


async def test_html_index_not_modified(root: Path) -> None:
    app = StaticFiles(directory=root, html=True)
    first = await call(app, "/sub/")
    again = await call(app, "/sub/", headers={"if-none-match": first.headers["etag"]})
    assert again.status == 304


async def test_html_directory_without_index(root: Path) -> None:
    app = StaticFiles(directory=root, html=True)
    assert (await call(app, "/empty/")).status == 404


async def test_html_404_page(root: Path) -> None:
    (root / "404.html").write_text("custom missing")
    app = StaticFiles(directory=root, html=True)
    result = await call(app, "/nope")
    assert (result.status, result.body) == (404, b"custom missing")
    # Inside an App the page is still served: it is content, not an error to hand on.
    in_app = await call(app, "/nope", extra={"app": object()})
    assert in_app.status == 404
    assert in_app.body == b"custom missing"


async def test_html_404_page_that_is_a_directory(root: Path) -> None:
    (root / "404.html").mkdir()
    app = StaticFiles(directory=root, html=True)
    assert (await call(app, "/nope")).body == b"Not Found"


async def test_index_that_is_a_directory(root: Path) -> None:
    (root / "empty" / "index.html").mkdir()
    app = StaticFiles(directory=root, html=True)
    assert (await call(app, "/empty/")).status == 404


async def test_fifo_is_not_served(root: Path) -> None:
    os.mkfifo(root / "pipe")
    app = StaticFiles(directory=root)
    assert (await call(app, "/pipe")).status == 404


# ---- configuration ---------------------------------------------------------------------------


def test_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(RuntimeError, match=f"Directory '{missing}' does not exist"):
        StaticFiles(directory=missing)


def test_directory_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("")
    with pytest.raises(RuntimeError, match="is not a directory"):
        StaticFiles(directory=file)


async def test_unchecked_missing_directory_fails_on_first_request(tmp_path: Path) -> None:
    app = StaticFiles(directory=tmp_path / "later", check_dir=False)
    with pytest.raises(RuntimeError, match="does not exist"):
        await call(app, "/x")
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "x").write_text("now")
    assert (await call(app, "/x")).body == b"now"
    assert app.config_checked


async def test_unchecked_file_fails_on_first_request(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    app = StaticFiles(directory=tmp_path / "f", check_dir=False)
    with pytest.raises(RuntimeError, match="is not a directory"):
        await call(app, "/x")


async def test_packages(package: str) -> None:
    app = StaticFiles(packages=[package, (package, "assets")])
    assert (await call(app, "/a.css")).body == b"body{}"
    assert (await call(app, "/b.js")).body == b"let b"
    assert len(app.all_directories) == 2


async def test_directory_searched_before_packages(root: Path, package: str) -> None:
    (root / "a.css").write_text("mine")
    app = StaticFiles(directory=root, packages=[package])
    assert (await call(app, "/a.css")).body == b"mine"


def test_missing_package() -> None:
    with pytest.raises(RuntimeError, match="Package 'no_such_pkg_xyz' is not installed"):
        StaticFiles(packages=["no_such_pkg_xyz"])
    with pytest.raises(RuntimeError, match=r"Package '\.bad' is not installed"):
        StaticFiles(packages=[".bad"])


def test_package_without_directory(package: str) -> None:
    with pytest.raises(RuntimeError, match="Directory 'nothere' in package 'fakepkg'"):
        StaticFiles(packages=[(package, "nothere")])


def test_namespace_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nspkg_xyz").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError, match="has no directory"):
        StaticFiles(packages=["nspkg_xyz"])


def test_no_directories() -> None:
    assert StaticFiles().all_directories == []


async def test_lookup_path(app: StaticFiles, root: Path) -> None:
    full, st = app.lookup_path("hello.txt")
    assert full == os.path.join(os.path.realpath(root), "hello.txt")
    assert st is not None
    assert app.lookup_path("nope") == ("", None)
    assert app.lookup_path("hello.txt/x") == ("", None)
    assert app.lookup_path("../secret.txt") == ("", None)


# ---- traversal: nothing outside the directory, never an exception --------------------------

ATTACKS = [
    ("/../secret.txt", None),
    ("/sub/../../secret.txt", None),
    ("/..", None),
    # The server decoded %2e%2e into "..": caught in the decoded path and in raw_path.
    ("/../secret.txt", b"/%2e%2e/secret.txt"),
    ("/%2e%2e/secret.txt", b"/%252e%252e/secret.txt"),
    # An encoded slash decoded by the server.
    ("/sub/../../secret.txt", b"/sub%2f..%2f..%2fsecret.txt"),
    ("/hello.txt", b"/hello%2Etxt%2f"),
    ("/..\\secret.txt", None),
    ("/sub\\..\\..\\secret.txt", b"/sub%5c..%5c..%5csecret.txt"),
    ("//etc/passwd", None),
    (f"/{os.path.realpath('/etc/passwd')}", None),
    ("/hello.txt\x00.png", b"/hello.txt%00.png"),
    ("/hello.txt\x00", None),
    ("/C:/Windows/win.ini", None),
    ("/c:secret.txt", None),
]


@pytest.mark.parametrize(("path", "raw_path"), ATTACKS)
async def test_traversal_is_404(app: StaticFiles, path: str, raw_path: bytes | None) -> None:
    result = await call(app, path, raw_path=raw_path)
    assert result.status == 404
    assert b"secret" not in result.body
    assert b"root:" not in result.body


@pytest.mark.parametrize(("path", "raw_path"), ATTACKS)
async def test_traversal_is_404_following_symlinks(
    root: Path, path: str, raw_path: bytes | None
) -> None:
    app = StaticFiles(directory=root, follow_symlink=True)
    result = await call(app, path, raw_path=raw_path)
    assert result.status == 404


async def test_absolute_path_via_double_slash_stays_inside(app: StaticFiles, root: Path) -> None:
    # "//hello.txt" is the file in the directory, not "/hello.txt" on the host.
    assert (await call(app, "//hello.txt")).body == b"hello"


async def test_symlink_out_of_root(root: Path, tmp_path: Path) -> None:
    (root / "escape").symlink_to(tmp_path / "secret.txt")
    (root / "escape_dir").symlink_to(tmp_path)
    app = StaticFiles(directory=root)
    assert (await call(app, "/escape")).status == 404
    assert (await call(app, "/escape_dir/secret.txt")).status == 404
    followed = StaticFiles(directory=root, follow_symlink=True)
    assert (await call(followed, "/escape")).body == b"top secret"
    assert (await call(followed, "/escape_dir/secret.txt")).body == b"top secret"
    # Following links never allows ".." out of the root.
    assert (await call(followed, "/escape_dir/../secret.txt")).status == 404


async def test_symlink_inside_root_is_served(root: Path) -> None:
    (root / "alias.txt").symlink_to(root / "hello.txt")
    app = StaticFiles(directory=root)
    assert (await call(app, "/alias.txt")).body == b"hello"


async def test_served_directory_is_a_symlink(root: Path, tmp_path: Path) -> None:
    link = tmp_path / "link_to_static"
    link.symlink_to(root)
    app = StaticFiles(directory=link)
    assert (await call(app, "/hello.txt")).body == b"hello"
    assert (await call(app, "/../secret.txt")).status == 404


async def test_prefix_sibling_directory_is_outside(tmp_path: Path) -> None:
    # "/srv/static-private" starts with "/srv/static" but is not inside it.
    (tmp_path / "s").mkdir()
    (tmp_path / "s-private").mkdir()
    (tmp_path / "s-private" / "key").write_text("k")
    (tmp_path / "s" / "jump").symlink_to(tmp_path / "s-private")
    app = StaticFiles(directory=tmp_path / "s")
    assert (await call(app, "/jump/key")).status == 404


# ---- filesystem errors -----------------------------------------------------------------------


async def test_name_too_long_is_404(app: StaticFiles) -> None:
    assert (await call(app, "/" + "a" * 300)).status == 404


async def test_symlink_loop_is_404(root: Path) -> None:
    (root / "loop_a").symlink_to(root / "loop_b")
    (root / "loop_b").symlink_to(root / "loop_a")
    for follow in (False, True):
        app = StaticFiles(directory=root, follow_symlink=follow)
        assert (await call(app, "/loop_a")).status == 404


def _failing_stat(error: OSError) -> Any:
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        # Only the served file fails; pytest and everything else keep the real os.stat.
        if str(path).endswith("hello.txt"):
            raise error
        return real_stat(path, *args, **kwargs)

    return stat


async def test_permission_denied_is_401(app: StaticFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "stat", _failing_stat(PermissionError(13, "denied")))
    assert (await call(app, "/hello.txt")).status == 401
    with pytest.raises(HTTPException) as info:
        await call(app, "/hello.txt", extra={"app": object()})
    assert info.value.status_code == 401


async def test_other_os_errors_propagate(app: StaticFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "stat", _failing_stat(OSError(5, "EIO")))
    with pytest.raises(OSError, match="EIO"):
        await call(app, "/hello.txt")


# ---- through the test client -------------------------------------------------------------------


def test_through_test_client(root: Path) -> None:
    from asgi_testclient import TestClient

    client = TestClient(StaticFiles(directory=root, html=True))
    assert client.get("/hello.txt").text == "hello"
    assert client.get("/sub").text == "<p>sub index</p>"  # redirect to /sub/ followed
    assert client.get("/%2e%2e/secret.txt").status_code == 404
    assert client.get("/sub%2f..%2f..%2fsecret.txt").status_code == 404
    assert client.post("/hello.txt").status_code == 405
