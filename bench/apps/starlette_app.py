"""Starlette's version of the benchmark app: the same code as ours, other imports."""

from starlette import responses, routing
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from bench.apps._shared import build

app = build(Starlette, routing, responses)
middleware_app = build(
    Starlette,
    routing,
    responses,
    middleware=[
        Middleware(CORSMiddleware, allow_origins=["*"]),
        Middleware(GZipMiddleware, minimum_size=500),
    ],
)
