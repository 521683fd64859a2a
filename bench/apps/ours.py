"""asgi-toolkit's version of the benchmark app."""

from asgi_toolkit import App, responses, routing
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.cors import CORSMiddleware
from asgi_toolkit.middleware.gzip import GZipMiddleware
from bench.apps._shared import build

app = build(App, routing, responses)
middleware_app = build(
    App,
    routing,
    responses,
    middleware=[
        Middleware(CORSMiddleware, allow_origins=["*"]),
        Middleware(GZipMiddleware, minimum_size=500),
    ],
)
