"""Jinja2Templates and TemplateResponse (asgi-responses, with its `[templates]` extra)."""

from asgi_responses.exceptions import TemplatesConfigError
from asgi_responses.templating import Jinja2Templates, TemplateResponse

__all__ = [
    "Jinja2Templates",
    "TemplateResponse",
    "TemplatesConfigError",
]
