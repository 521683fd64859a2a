"""The attributes Starlette's middleware expose, in Starlette's shapes.

Code written for Starlette reads them: starlette-problem's CORS hook builds a CORSMiddleware only
to `response.headers.update(mw.simple_headers)` on its error answers (found by its own test
suite in `nox -s ecosystem-suites`). Each middleware keeps its own fast forms privately.
"""

from __future__ import annotations

from mw_apps import text_app

from asgi_middleware import CORSMiddleware, GZipMiddleware, SessionMiddleware
from asgi_protocol.datastructures import MutableHeaders


def test_cors_headers_are_dicts_of_text_as_in_starlette() -> None:
    everyone = CORSMiddleware(
        text_app, allow_origins=["*"], allow_credentials=True, expose_headers=["X-Total"]
    )
    assert everyone.simple_headers == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "X-Total",
    }
    assert everyone.preflight_explicit_allow_origin is True  # credentials: the origin is echoed
    answer = MutableHeaders()
    answer.update(everyone.simple_headers)  # what starlette-problem does
    assert answer["access-control-allow-credentials"] == "true"

    listed = CORSMiddleware(text_app, allow_origins=["https://a.org"], allow_headers=["X-T"])
    assert listed.simple_headers == {}
    assert listed.preflight_explicit_allow_origin is True
    assert listed.preflight_headers["Access-Control-Allow-Methods"] == "GET"
    assert listed.preflight_headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Origin" not in listed.preflight_headers  # echoed per request
    assert CORSMiddleware(text_app, allow_origins=["*"]).preflight_explicit_allow_origin is False


def test_gzip_and_sessions_keep_starlettes_settings_attributes() -> None:
    assert GZipMiddleware(text_app, compresslevel=5).compresslevel == 5
    sessions = SessionMiddleware(text_app, "key", path="/app", https_only=True)
    assert sessions.path == "/app"
    assert sessions.security_flags == "httponly; samesite=lax; secure"
