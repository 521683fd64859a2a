"""The debug-mode error page: what a person needs to fix the bug, every value escaped.

The page answers, in order: what failed (the exception and the line of *your* code that raised
it), how we got there, then for which request, on which versions, and when. Every frame of the
app's own code is open with its local variables; frames of the standard library, installed
packages and asgi-toolkit itself are folded, so the interesting frames are never buried under
the framework's. Chained exceptions (`raise ... from ...` and errors raised while handling
another) are shown too. The request's tables (query, form, cookies, headers) are folded below,
and the plain-text page (debug_text) sits at the bottom, with a button that copies it for an
issue. The page needs no network and works without JavaScript (details/summary fold it); the
one inline script only wires the copy button.

No credential shows anywhere on the page (asgi_middleware._redact): the request's tables and
the locals of every frame are masked first, which teaches the page's Redactor the secret
values, and then every text the page prints is scrubbed of them before it is escaped.
"""

from __future__ import annotations

import functools
import html
import inspect
import platform
import sys
import sysconfig
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from asgi_middleware._debug_request import RequestDetails, Table
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
body { font-family: system-ui, sans-serif; margin: 2rem auto; padding: 0 2rem; color: #1f2328;
  max-width: 72rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; color: #a40e26; word-break: break-word; }
h1 .status { display: block; font-size: .95rem; color: #57606a; font-weight: normal; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; word-break: break-word; }
.where { margin: 0; font-family: monospace; }
.meta { color: #57606a; margin: .25rem 0 0; font-size: .9rem; }
.hint, .chain, .note { color: #57606a; } .chain { font-style: italic; margin-bottom: 0; }
button { font: inherit; font-size: .85rem; margin-left: .5rem; padding: .1rem .6rem;
  border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; cursor: pointer; }
table { border-collapse: collapse; font-family: monospace; font-size: .9rem; }
td { padding: .15rem .75rem .15rem 0; vertical-align: top; word-break: break-all; }
td:first-child { color: #57606a; white-space: nowrap; word-break: normal; }
.facts td { word-break: normal; }
details { border: 1px solid #d0d7de; border-radius: 6px; margin: .5rem 0; }
details.frame.app { border-left: 4px solid #a40e26; }
details.library summary { color: #57606a; }
summary { background: #f6f8fa; padding: .4rem .75rem; font-family: monospace; cursor: pointer;
  word-break: break-all; }
details > table, details > .note { margin: .5rem .75rem; }
pre { margin: 0; padding: .5rem .75rem; overflow-x: auto; }
.line { display: block; } .current { background: #fff8c5; font-weight: bold; }
.lineno { color: #8c959f; user-select: none; display: inline-block; width: 4em; }
.locals { padding: .25rem .75rem .75rem; border-top: 1px dashed #d0d7de; }
"""

# Wires the copy button (hidden until this runs): the clipboard API where the page is a secure
# context, else a selected textarea and execCommand; if both fail, the text is opened and
# selected for Ctrl+C. Nothing is loaded from anywhere.
_COPY_SCRIPT = """
(function () {
  var button = document.getElementById("copy-text");
  var text = document.getElementById("debug-text");
  button.hidden = false;
  function say(label) {
    button.textContent = label;
    setTimeout(function () { button.textContent = "Copy as text"; }, 2500);
  }
  function select() {
    text.parentNode.open = true;
    var range = document.createRange();
    range.selectNodeContents(text);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    say("Selected: press Ctrl+C");
  }
  function fallback() {
    var area = document.createElement("textarea");
    area.value = text.textContent;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    if (copied) { say("Copied"); } else { select(); }
  }
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.textContent).then(function () { say("Copied"); }, fallback);
    } else {
      fallback();
    }
  });
})();
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


def versions() -> list[tuple[str, str]]:
    """Python, and the asgi-toolkit packages this process has loaded, with their versions."""
    python = f"{platform.python_version()} ({platform.python_implementation()}, {sys.platform})"
    loaded = [
        f"{name} {version}"
        for name in sorted(TOOLKIT_MODULES)
        if isinstance(version := getattr(sys.modules.get(name), "__version__", None), str)
    ]
    return [("Python", python), ("asgi-toolkit", ", ".join(loaded))]


def _facts(when: datetime) -> list[tuple[str, str]]:
    """The time of the error (UTC, ISO 8601) and the versions, for the page and the text."""
    return [("Time (UTC)", when.astimezone(UTC).isoformat(timespec="seconds")), *versions()]


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
    kind = "library" if is_library_frame(frame_info.frame) else "app"
    title = (
        f"{clean(frame_info.filename)}, line {frame_info.lineno}, "
        f"in <b>{clean(frame_info.function)}</b>"
    )
    locals_html = (
        f'<div class="locals">{_table(local_rows, clean, clean_value)}</div>' if local_rows else ""
    )
    return (
        f'<details class="frame {kind}"{" open" if is_open else ""}>'
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
    # Every frame of the app's own code is open; with none, the innermost frame is.
    app = {i for i, (info, _) in enumerate(frames) if not is_library_frame(info.frame)} or {0}
    body = "".join(
        _frame_html(frame, i in app, clean, clean_value) for i, frame in enumerate(frames)
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


def _request_table(table: Table, clean: Clean, clean_value: Clean) -> str:
    if not table.rows:
        return f'<p class="note">{clean(table.title)}: {clean(table.note or "none")}.</p>'
    return (
        f'<details class="request"><summary>{clean(table.title)} ({len(table.rows)})</summary>'
        f"{_table(table.rows, clean, clean_value)}</details>"
    )


def _request_html(request: RequestDetails, clean: Clean, clean_value: Clean) -> str:
    tables = "".join(_request_table(table, clean, clean_value) for table in request.tables)
    return (
        f'<h2>Request</h2><p class="request-line">{clean(request.line)} '
        f"from {clean(request.client)}</p>{tables}"
    )


def debug_html(
    exc: BaseException,
    request: RequestDetails | None = None,
    redactor: Redactor | None = None,
    when: datetime | None = None,
) -> str:
    """The page. `request` is what to show of the failed request, masked by `redactor` (see
    _debug_request), which then hides its credentials from the rest of the page too. `when`
    is the time of the error (now if not given)."""
    redactor = Redactor() if redactor is None else redactor
    when = datetime.now(UTC) if when is None else when
    chain = [(item, link, _frames(item, redactor)) for item, link in _exception_chain(exc)]

    def clean(text: str) -> str:
        return html.escape(redactor.scrub(text))

    def clean_value(text: str) -> str:  # scrubbed before it is cut: no half secret is left
        return html.escape(bounded(redactor.scrub(text)))

    title = clean(f"{type(exc).__name__}: {exc}")
    facts = _facts(when)
    meta = clean(f"{request.heading} · {facts[0][1]}" if request else facts[0][1])
    body = "".join(
        _exception_html(item, link, frames, clean, clean_value) for item, link, frames in chain
    )
    request_html = _request_html(request, clean, clean) if request else ""
    text = clean(_text(exc, request.heading if request else "", redactor, when))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta name='robots' content='noindex'><title>500 · {title}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f'<h1><span class="status">500 Server Error</span>{title}</h1>'
        f'<p class="where">{clean(_where(exc))}</p>'
        f'<p class="meta">{meta}<button type="button" id="copy-text" hidden>Copy as text'
        "</button></p>"
        '<p class="hint">Most recent call first. Your code is open; the standard library, '
        "installed packages and asgi-toolkit are folded.</p>"
        f"{body}{request_html}"
        f'<h2>Versions and time</h2><div class="facts">{_table(facts, clean, clean)}</div>'
        "<details><summary>Plain text (what Copy as text copies)</summary>"
        f'<pre id="debug-text">{text}</pre></details>'
        f"<script>{_COPY_SCRIPT}</script></body></html>"
    )


def _text(exc: BaseException, request_line: str, redactor: Redactor, when: datetime) -> str:
    lead = f"500 Server Error for {request_line}\n\n" if request_line else ""
    facts = "".join(f"{name}: {value}\n" for name, value in _facts(when))
    return redactor.scrub(f"{lead}{''.join(traceback.format_exception(exc))}\n{facts}")


def debug_text(
    exc: BaseException,
    request_line: str = "",
    redactor: Redactor | None = None,
    when: datetime | None = None,
) -> str:
    """The page for clients that don't want HTML: the request line, the traceback, the time and
    the versions, scrubbed of the credentials in the request (`redactor`) and in the frames'
    locals."""
    redactor = Redactor() if redactor is None else redactor
    for item, _ in _exception_chain(exc):
        _frames(item, redactor)  # not shown here, but they teach the redactor their secrets
    return _text(exc, request_line, redactor, datetime.now(UTC) if when is None else when)
