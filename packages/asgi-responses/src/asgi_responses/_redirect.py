"""RedirectResponse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from asgi_responses._base import Response
from asgi_tasks import BackgroundTask

_SAFE = ":/%#?=@[]!$&'()*+,;"


class RedirectResponse(Response):
    """A redirect (307 by default, so the method and body are kept) with a quoted Location."""

    def __init__(
        self,
        url: Any,
        status_code: int = 307,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(
            content=b"", status_code=status_code, headers=headers, background=background
        )
        self.headers["location"] = quote(str(url), safe=_SAFE)
