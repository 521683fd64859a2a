"""The debug-mode error page: what a person needs to fix the bug, every value escaped.

The page answers, in order: what failed (the exception and the line of *your* code that raised
it), for which request, and how we got there. Frames of the app's own code are open with their
local variables; frames of the standard library, installed packages and asgi-toolkit itself are
folded, so the interesting frame is never buried under the framework's. Chained exceptions
(`raise ... from ...` and errors raised while handling another) are shown too, and the plain
traceback is at the bottom for copying into an issue.

No credential shows anywhere on the page (asgi_middleware._redact): the locals of every frame
are masked first, which teaches the page's Redactor the secret values, and then every text the
page prints is scrubbed of them before it is escaped.
"""

from __future__ import annotations

import functools
import html
import inspect
import sysconfig
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import FrameType

from asgi_middleware._redact import Redactor

CONTEXT_LINES = 5
MAX_REPR = 300
TOOLKIT_MODULES = frozenset(
    {
        "asgi_protocol",
        "asgi_tasks",
        "asgi_requests",
        "asgi_responses",
        "asgi_websockets",
        "asgi_routing",
        "asgi_lifetime",
        "asgi_middleware",
        "asgi_staticfiles",
        "asgi_graphql",
        "asgi_testclient",
        "asgi_broadcast",
        "asgi_toolkit",
    }
)


@functools.cache
def library_dirs() -> tuple[str, ...]:
    """Where the standard library and installed packages live (looked up on the first error)."""
    paths = sysconfig.get_paths()
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple(str(Path(paths[name]).resolve()) for name in names if name in paths)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; max-width: 70rem; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; } h2 { font-size: 1.05rem; margin-top: 2rem; }
.where { color: #57606a; margin-top: 0; } .chain { color: #57606a; font-style: italic; }
table { border-collapse: collapse; font-family: monospace; font-size: .9rem; }
td { padding: .15rem .75rem .15rem 0; vertical-align: top; word-break: break-all; }
td:first-child { color: #57606a; white-space: nowrap; word-break: normal; }
details.frame { border: 1px solid #d0d7de; border-radius: 6px; margin: .75rem 0; }
details.library summary { color: #57606a; }
summary { background: #f6f8fa; padding: .5rem .75rem; font-family: monospace; cursor: pointer; }
pre { margin: 0; padding: .5rem .75rem; overflow-x: auto; }
.line { display: block; } .current { background: #fff8c5; font-weight: bold; }
.lineno { color: #8c959f; user-select: none; display: inline-block; width: 4em; }
.locals { padding: .25rem .75rem .75rem; }
"""


def is_library_frame(frame: FrameType) -> bool:
    """True for the standard library, installed packages and asgi-toolkit's own modules."""
    module = str(frame.f_globals.get("__name__", ""))
    if module.partition(".")[0] in TOOLKIT_MODULES:
        return True
    filename = str(Path(frame.f_code.co_filename).resolve())
    return filename.startswith(library_dirs())


def bounded(text: str) -> str:
    """At most MAX_REPR characters of `text`, so one value can't flood the page."""
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "…"


# A page's texts go out through one function: scrubbed of credentials, then HTML-escaped.
Clean = Callable[[str], str]


def _table(rows: Iterable[tuple[str, str]], clean: Clean, clean_value: Clean) -> str:
    cells = "".join(
        f"<tr><td>{clean(name)}</td><td>{clean_value(value)}</td></tr>" for name, value in rows
    )
    return f"<table>{cells}</table>"


def _source(frame_info: inspect.FrameInfo, clean: Clean) -> str:
    first = frame_info.lineno - (frame_info.index or 0)
    lines = []
    for offset, line in enumerate(frame_info.code_context or []):
        number = first + offset
        css = "line current" if number == frame_info.lineno else "line"
        lines.append(
            f'<span class="{css}"><span class="lineno">{number}</span>{clean(line.rstrip())}</span>'
        )
    return f"<pre>{''.join(lines)}</pre>"


# A frame and its locals as (name, masked repr) rows; masking them is what teaches the
# Redactor the secrets, so every frame is masked before anything is written.
Frame = tuple[inspect.FrameInfo, list[tuple[str, str]]]


def _frames(exc: BaseException, redactor: Redactor) -> list[Frame]:
    """The traceback of `exc`, most recent call first, each frame with its masked locals."""
    infos = inspect.getinnerframes(exc.__traceback__, CONTEXT_LINES) if exc.__traceback__ else []
    infos.reverse()
    return [
        (info, [(name, redactor.named(name, value)) for name, value in info.frame.f_locals.items()])
        for info in infos
    ]


def _frame_html(frame: Frame, is_open: bool, clean: Clean, clean_value: Clean) -> str:
    frame_info, local_rows = frame
    library = is_library_frame(frame_info.frame)
    title = (
        f"{clean(frame_info.filename)}, line {frame_info.lineno}, "
        f"in <b>{clean(frame_info.function)}</b>"
    )
    locals_html = (
        f'<div class="locals">{_table(local_rows, clean, clean_value)}</div>' if local_rows else ""
    )
    return (
        f'<details class="frame{" library" if library else ""}"{" open" if is_open else ""}>'
        f"<summary>{title}</summary>{_source(frame_info, clean)}{locals_html}</details>"
    )


def _exception_chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and those chained to it, most recent first, with how each one led on."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "which was the direct cause of the error above"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = (
                current.__context__,
                "during the handling of which the error above happened",
            )
        else:
            current = None
    return chain


def _exception_html(
    exc: BaseException, link: str, frames: list[Frame], clean: Clean, clean_value: Clean
) -> str:
    # Open the innermost frame of the app's own code, or the innermost frame if there is none.
    app_frames = [i for i, (info, _) in enumerate(frames) if not is_library_frame(info.frame)]
    open_index = app_frames[0] if app_frames else 0
    body = "".join(
        _frame_html(frame, i == open_index, clean, clean_value) for i, frame in enumerate(frames)
    )
    heading = clean(f"{type(exc).__name__}: {exc}")
    chain_note = f'<p class="chain">{clean(link)}:</p>' if link else ""
    return f"{chain_note}<h2>{heading}</h2>{body or '<p>No traceback.</p>'}"


def _where(exc: BaseException) -> str:
    frames = inspect.getinnerframes(exc.__traceback__, 0) if exc.__traceback__ else []
    for info in reversed(frames):
        if not is_library_frame(info.frame):
            return f"{info.filename}, line {info.lineno}, in {info.function}"
    return f"{frames[-1].filename}, line {frames[-1].lineno}" if frames else "no traceback"


def debug_html(
    exc: BaseException,
    request: Sequence[tuple[str, str]] = (),
    redactor: Redactor | None = None,
) -> str:
    """The page. `request` holds (label, value) rows on the failed request, credentials hidden
    by `redactor` (Redactor.headers), which then hides them from the rest of the page too."""
    redactor = Redactor() if redactor is None else redactor
    chain = [(item, link, _frames(item, redactor)) for item, link in _exception_chain(exc)]

    def clean(text: str) -> str:
        return html.escape(redactor.scrub(text))

    def clean_value(text: str) -> str:  # scrubbed before it is cut: no half secret is left
        return html.escape(bounded(redactor.scrub(text)))

    title = clean(f"{type(exc).__name__}: {exc}")
    request_html = f"<h2>Request</h2>{_table(request, clean, clean)}" if request else ""
    body = "".join(
        _exception_html(item, link, frames, clean, clean_value) for item, link, frames in chain
    )
    plain = clean(_traceback_text(exc))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>500 · {title}</title><style>{_STYLE}</style></head><body>"
        f"<h1>500 Server Error · {title}</h1>"
        f'<p class="where">{clean(_where(exc))}</p>'
        f"{request_html}"
        "<h2>Traceback</h2><p>Most recent call first; your code is open, library frames are "
        f"folded.</p>{body}"
        f"<details><summary>Plain traceback</summary><pre>{plain}</pre></details>"
        "</body></html>"
    )


def _traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def debug_text(exc: BaseException, request_line: str = "", redactor: Redactor | None = None) -> str:
    """The page for clients that don't want HTML: the request line and the traceback, scrubbed
    of the credentials in the request (`redactor`) and in the frames' locals."""
    redactor = Redactor() if redactor is None else redactor
    for item, _ in _exception_chain(exc):
        _frames(item, redactor)  # not shown here, but they teach the redactor their secrets
    lead = f"500 Server Error for {request_line}\n\n" if request_line else ""
    return redactor.scrub(lead + _traceback_text(exc))
