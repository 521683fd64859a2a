"""Jinja2Templates and TemplateResponse (asgi-responses, with its `[templates]` extra)."""

from asgi_responses.templating import Jinja2Templates, TemplateResponse, TemplatesConfigError

__all__ = [
    "Jinja2Templates",
    "TemplateResponse",
    "TemplatesConfigError",
]
