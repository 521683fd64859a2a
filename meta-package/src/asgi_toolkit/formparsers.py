"""The urlencoded and multipart form parsers (asgi_requests.formparsers).

Unlike the other re-exports, this name is that very module, not a copy of its names: a test
that patches `asgi_toolkit.formparsers.SpooledTemporaryFile` (as Starlette's own tests patch
`starlette.formparsers.SpooledTemporaryFile`) must reach the parser that creates the files.
"""

import sys

from asgi_requests import formparsers
from asgi_requests.formparsers import (
    FormMessage,
    FormParser,
    MultiPartException,
    MultiPartParser,
)

__all__ = [
    "FormMessage",
    "FormParser",
    "MultiPartException",
    "MultiPartParser",
]

sys.modules[__name__] = formparsers
