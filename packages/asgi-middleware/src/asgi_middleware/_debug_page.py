"""The debug-mode error page: a traceback a person wants to read, every value escaped."""

from __future__ import annotations

import html
import inspect
import traceback
from types import TracebackType

CONTEXT_LINES = 5

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1rem; color: #57606a; }
.frame { border: 1px solid #d0d7de; border-radius: 6px; margin: 1rem 0; }
.frame-title { background: #f6f8fa; padding: .5rem .75rem; font-family: monospace; }
pre { margin: 0; padding: .5rem .75rem; overflow-x: auto; }
.line { display: block; } .current { background: #fff8c5; font-weight: bold; }
.lineno { color: #8c959f; user-select: none; display: inline-block; width: 4em; }
"""


def _frame_html(frame_info: inspect.FrameInfo) -> str:
    lines = frame_info.code_context or []
    first = frame_info.lineno - (frame_info.index or 0)
    rendered = []
    for offset, line in enumerate(lines):
        number = first + offset
        css = "line current" if number == frame_info.lineno else "line"
        rendered.append(
            f'<span class="{css}"><span class="lineno">{number}</span>'
            f"{html.escape(line.rstrip())}</span>"
        )
    title = (
        f"{html.escape(frame_info.filename)}, line {frame_info.lineno}, "
        f"in <b>{html.escape(frame_info.function)}</b>"
    )
    return f'<div class="frame"><div class="frame-title">{title}</div><pre>{"".join(rendered)}</pre></div>'


def debug_html(exc: BaseException) -> str:
    tb: TracebackType | None = exc.__traceback__
    frames = inspect.getinnerframes(tb, CONTEXT_LINES) if tb is not None else []
    title = html.escape(f"{type(exc).__name__}: {exc}")
    body = "".join(_frame_html(frame) for frame in reversed(frames))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f"<h1>500 Server Error</h1><h2>{title}</h2>"
        f"<p>Most recent call first.</p>{body}</body></html>"
    )


def debug_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))
