"""`TestClient`: a `requests.Session` whose transport is the ASGI app itself."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import Any, Self
from urllib.parse import urlsplit

import requests
from requests.cookies import cookiejar_from_dict

from asgi_protocol.types import ASGIApp

from ._lifespan import LifespanRunner
from ._portal import Portal
from ._transport import ASGIAdapter
from ._websocket import WebSocketTestSession, open_websocket

_SCHEMES = ("http://", "https://", "ws://", "wss://")


class TestClient(requests.Session):
    """Drive `app` in-process with the `requests` API; `with` runs its lifespan too."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        app: ASGIApp,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        cookies: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        client: tuple[str, int] = ("testclient", 50000),
    ) -> None:
        super().__init__()
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
        self.app = app
        self.base_url = base_url.rstrip("/")
        self.follow_redirects = follow_redirects
        self.trust_env = False  # no proxies or .netrc credentials from the environment
        self.portal = Portal()
        # A client nobody closes still stops its loop thread once it is garbage collected.
        weakref.finalize(self, self.portal.stop)
        self.adapter = ASGIAdapter(
            app,
            self.portal,
            raise_server_exceptions=raise_server_exceptions,
            root_path=root_path,
            client=client,
        )
        for prefix in _SCHEMES:
            self.mount(prefix, self.adapter)
        self.headers["User-Agent"] = "testclient"
        if headers:
            self.headers.update(headers)
        if cookies:
            cookiejar_from_dict(dict(cookies), self.cookies)  # type: ignore[no-untyped-call]
        self._lifespan: LifespanRunner | None = None

    @property
    def app_state(self) -> dict[str, Any]:
        """The lifespan state every request's `scope["state"]` is copied from."""
        return self.adapter.state

    def _url(self, url: str | bytes) -> str:
        text = url.decode("utf-8") if isinstance(url, bytes) else url
        if "://" in text.split("?", 1)[0]:
            return text
        return f"{self.base_url}/{text.lstrip('/')}"

    def request(
        self,
        method: str | bytes,
        url: str | bytes,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        cookies: Any = None,
        files: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool | None = None,
        proxies: Any = None,
        hooks: Any = None,
        stream: bool | None = None,
        verify: Any = None,
        cert: Any = None,
        json: Any = None,
        *,
        content: Any = None,
        follow_redirects: bool | None = None,
    ) -> requests.Response:
        """As `requests.Session.request`, plus httpx-style `content=` and `follow_redirects=`.

        Relative URLs join `base_url`; redirects follow the client's default unless this call
        says otherwise.
        """
        if content is not None:
            if data is not None:
                raise TypeError("pass either content= or data=, not both")
            data = content
        if allow_redirects is None:
            allow_redirects = follow_redirects
        if allow_redirects is None:
            allow_redirects = self.follow_redirects
        return super().request(
            method,
            self._url(url),
            params=params,
            data=data,
            headers=headers,
            cookies=cookies,
            files=files,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
            proxies=proxies,
            hooks=hooks,
            stream=stream,
            verify=verify,
            cert=cert,
            json=json,
        )

    # requests makes GET/OPTIONS follow redirects and HEAD not; here all follow the client default.
    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def options(self, url: str | bytes, **kwargs: Any) -> requests.Response:
        return self.request("OPTIONS", url, **kwargs)

    def head(self, url: str | bytes, **kwargs: Any) -> requests.Response:
        return self.request("HEAD", url, **kwargs)

    # Re-declared so that type checkers accept the extra `content=` / `follow_redirects=`.
    def post(
        self, url: str | bytes, data: Any = None, json: Any = None, **kwargs: Any
    ) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def put(self, url: str | bytes, data: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", url, data=data, **kwargs)

    def patch(self, url: str | bytes, data: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", url, data=data, **kwargs)

    def delete(self, url: str | bytes, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", url, **kwargs)

    def websocket_connect(
        self,
        url: str,
        subprotocols: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
    ) -> WebSocketTestSession:
        """Open a websocket to the app; use the result as a context manager."""
        full = self._url(url)
        scheme, rest = full.split("://", 1)
        scheme = {"http": "ws", "https": "wss"}.get(scheme.lower(), scheme.lower())
        extra = {
            "connection": "upgrade",
            "upgrade": "websocket",
            "sec-websocket-key": "dGVzdGNsaWVudCBrZXkgMTY=",
            "sec-websocket-version": "13",
        }
        if subprotocols:
            extra["sec-websocket-protocol"] = ", ".join(subprotocols)
        extra.update(headers or {})
        prepared = self.prepare_request(
            requests.Request("GET", f"{scheme}://{rest}", headers=extra, cookies=cookies)
        )
        session = open_websocket(self.adapter, prepared)
        # The session needs the client's loop: keep the client alive as long as the session,
        # even in `with TestClient(app).websocket_connect("/") as ws:` where nothing else does.
        session.owner = self
        return session

    def __enter__(self) -> Self:
        self.adapter.state.clear()  # each `with` block starts from a fresh lifespan state
        self._lifespan = LifespanRunner(self.app, self.portal, self.adapter.state)
        try:
            self._lifespan.startup()
        except BaseException:
            self._lifespan = None
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        lifespan, self._lifespan = self._lifespan, None
        try:
            if lifespan is not None:
                lifespan.shutdown()
        finally:
            self.close()

    def close(self) -> None:
        """Close the session and stop the event-loop thread (no thread outlives the client)."""
        super().close()
        self.portal.stop()


__all__ = ["TestClient"]
