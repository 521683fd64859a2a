"""Jinja2Templates: render a template into an HTML response, with `request` and `url_for` in it.

jinja2 is the `[templates]` extra, imported when templates are first set up, so this module
imports without it. Autoescaping is on: a value put in the context can't inject markup.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from asgi_protocol.types import Receive, Scope, Send
from asgi_responses._text import HTMLResponse
from asgi_responses.exceptions import TemplatesConfigError
from asgi_tasks import BackgroundTask

if TYPE_CHECKING:  # pragma: no cover - types only
    import jinja2

PathLike = str | os.PathLike[str]


class RequestLike(Protocol):
    """What a template needs of the request (asgi_requests.Request has it)."""

    def url_for(self, name: str, /, **path_params: Any) -> Any: ...


ContextProcessor = Callable[[Any], Mapping[str, Any]]


def _require_jinja2() -> None:
    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise RuntimeError(
            "Jinja2Templates needs jinja2: pip install 'asgi-responses[templates]'"
        ) from None


class TemplateResponse(HTMLResponse):
    """An HTMLResponse that remembers its template and context (the test client shows them)."""

    def __init__(
        self,
        template: jinja2.Template,
        context: dict[str, Any],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.template = template
        self.context = context
        super().__init__(template.render(context), status_code, headers, media_type, background)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "http.response.debug" in scope.get("extensions", ()):
            info = {"template": self.template, "context": self.context}
            await send({"type": "http.response.debug", "info": info})
        await super().__call__(scope, receive, send)


class Jinja2Templates:
    """Templates from `directory` (one path or several) or from a ready `env`, not both."""

    def __init__(
        self,
        directory: PathLike | Sequence[PathLike] | None = None,
        *,
        context_processors: Sequence[ContextProcessor] | None = None,
        env: jinja2.Environment | None = None,
    ) -> None:
        _require_jinja2()
        import jinja2

        if (directory is None) == (env is None):
            raise TemplatesConfigError(
                "Jinja2Templates: either 'directory' or 'env' arguments must be passed, not both"
            )
        if env is None:
            loader = jinja2.FileSystemLoader(directory)  # type: ignore[arg-type]  # checked above
            env = jinja2.Environment(loader=loader, autoescape=True)
        self.env: jinja2.Environment = env
        self.context_processors = list(context_processors or [])

        @jinja2.pass_context
        def url_for(context: Mapping[str, Any], name: str, /, **path_params: Any) -> Any:
            return context["request"].url_for(name, **path_params)

        self.env.globals.setdefault("url_for", url_for)

    def get_template(self, name: str) -> jinja2.Template:
        return self.env.get_template(name)

    def TemplateResponse(  # noqa: N802 - Starlette's name, kept so code migrates unchanged
        self,
        request: RequestLike,
        name: str,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> TemplateResponse:
        if isinstance(request, str):
            raise TypeError(
                "TemplateResponse takes the request first: "
                "templates.TemplateResponse(request, name, context)"
            )
        merged: dict[str, Any] = {"request": request, **(context or {})}
        for processor in self.context_processors:
            merged.update(processor(request))
        return TemplateResponse(
            self.get_template(name), merged, status_code, headers, media_type, background
        )


__all__ = ["Jinja2Templates", "RequestLike", "TemplateResponse"]
