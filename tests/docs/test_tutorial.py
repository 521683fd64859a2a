"""The tutorial (docs/tutorial.md) followed as a reader follows it: step by step, from an empty
folder.

A fenced block with a `title` is a file the reader writes; a later block with the same title is
that file's next version, and its `hl_lines` must mark exactly the lines that changed. A
`console` block's `$` lines are the commands the reader types. Each step (a `## ` section) is
one test: the files of every step up to it are written into an empty temporary folder, then the
step's commands run there. `python -m pytest` must pass with the count the page shows, and
`uvicorn` must serve the app until stopped; the commands that set up the folder and the venv are
skipped, each for the reason below, and any other command fails until this module learns it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w+)(.*)$")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
# What the folder and the docs session already are, so these commands are not run.
SKIPPED = {
    "mkdir": "the test starts in an empty temporary folder",
    "cd": "the test starts in an empty temporary folder",
    "python3 -m venv": "the test runs in the docs session's venv",
    ". .venv/bin/activate": "the test runs in the docs session's venv",
    "pip install": "nox -s docs installs asgi-toolkit[full] and pytest",
    "export TODO_SECRET_KEY=": "sets the reader's shell variable; the default key serves tests",
    "TODO_BROADCAST_URL=redis://": "needs a Redis server, which the docs session has none of",
}
SERVE_TIMEOUT = 60.0  # seconds for uvicorn (and four workers, on two busy cores) to answer
RUN_TIMEOUT = 300.0


@dataclass(frozen=True)
class Block:
    lang: str
    attributes: dict[str, str]
    text: str
    line: int


@dataclass
class Step:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def commands(self) -> Iterator[tuple[list[str], str]]:
        """Each `$` command of the step's console blocks, with the output the page shows."""
        for block in self.blocks:
            if block.lang != "console":
                continue
            for typed, shown in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", block.text, re.M):
                for command in typed.split(" && "):
                    yield shlex.split(command, posix=True), shown


def read_steps(text: str) -> list[Step]:
    steps: list[Step] = []
    fence: tuple[str, str, int] | None = None
    body: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if fence is None:
            opening = FENCE.match(line)
            if line.startswith("## "):
                steps.append(Step(line[3:].strip()))
            elif opening:
                fence, body = (opening.group(1), opening.group(2), number + 1), []
        elif line.rstrip("\n") == "```":
            lang, info, first = fence
            if steps:
                steps[-1].blocks.append(
                    Block(lang, dict(ATTRIBUTE.findall(info)), "".join(body), first)
                )
            fence = None
        else:
            body.append(line)
    return steps


STEPS = read_steps(TUTORIAL.read_text())


def files_up_to(step: Step) -> dict[str, str]:
    """The folder's files once `step` is done: the latest version of each."""
    files: dict[str, str] = {}
    for earlier in STEPS[: STEPS.index(step) + 1]:
        for block in earlier.blocks:
            if "title" in block.attributes:
                files[block.attributes["title"]] = block.text
    return files


def highlighted(spec: str) -> set[int]:
    lines: set[int] = set()
    for part in spec.split():
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def changed_lines(old: str, new: str) -> set[int]:
    """Line numbers (from 1) of `new`'s added or edited lines, blank ones left out."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    changed: set[int] = set()
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(start + 1, end + 1))
    lines = new.splitlines()
    return {number for number in changed if lines[number - 1].strip()}


def skip_reason(argv: list[str]) -> str | None:
    typed = " ".join(argv)
    for prefix, reason in SKIPPED.items():
        if typed.startswith(prefix):
            return reason
    return None


def runs(argv: list[str]) -> bool:
    return argv[:3] == ["python", "-m", "pytest"] or argv[:1] == ["uvicorn"]


def clean_env() -> dict[str, str]:
    """The environment of a reader who set nothing for the app, with only pytest installed."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("TODO_")}
    # A reader's venv holds pytest without the plugins the docs session brings along.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def run_pytest(argv: list[str], folder: Path, shown: str) -> None:
    # A reader's folder has no project above it; ours may (nox keeps its temporary folders in
    # .nox/, inside the repository, whose pyproject configures pytest): look no further up.
    no_parents = ["-c", os.devnull, "--rootdir", str(folder), "--confcutdir", str(folder)]
    done = subprocess.run(
        [sys.executable, *argv[1:], *no_parents],
        cwd=folder,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    expected = re.search(r"\d+ passed", shown)
    assert expected, f"show the summary line after `$ {shlex.join(argv)}`"
    assert re.search(rf"\b{expected.group()}\b", output), (expected.group(), output)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, data=data, timeout=10) as response:
        return response.status, response.read()


def wait_until_serving(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVE_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"uvicorn exited with {process.returncode}"
        try:
            if fetch(f"{base}/todos")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"uvicorn did not answer {base}/todos in {SERVE_TIMEOUT}s")


def check_the_live_feed(port: int) -> None:
    """With one worker, a change made over HTTP reaches a real WebSocket client."""
    from websockets.sync.client import connect  # uvicorn[standard]'s WebSocket library

    with connect(f"ws://127.0.0.1:{port}/feed", open_timeout=10) as feed:
        status, _ = fetch(f"http://127.0.0.1:{port}/todos", json.dumps({"title": "t"}).encode())
        assert status == 201
        assert json.loads(feed.recv(timeout=10)) == {
            "created": {"title": "t", "done": False, "id": 1}
        }


def run_uvicorn(argv: list[str], folder: Path, log: Path) -> None:
    """Serve as the page says (on a free loopback port), check the app answers, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                *argv[1:],
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=folder,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(base, process)
        status, page = fetch(f"{base}/")
        assert status == 200
        assert b"<h1>Todos</h1>" in page
        if "--workers" not in argv:
            check_the_live_feed(port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
            pytest.fail(f"uvicorn did not stop on SIGINT:\n{log.read_text()}")
    output = log.read_text()
    assert "Application startup complete." in output, output
    assert "Traceback" not in output, output


def test_the_tutorial_comes_first_after_the_home_page() -> None:
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    assert nav[:2] == [{"Home": "index.md"}, {"Tutorial": "tutorial.md"}]


def test_highlighted_lines_are_exactly_what_changed() -> None:
    seen: dict[str, str] = {}
    for step in STEPS:
        for block in step.blocks:
            path = block.attributes.get("title")
            if path is None:
                continue
            marked = highlighted(block.attributes.get("hl_lines", ""))
            expected = changed_lines(seen[path], block.text) if path in seen else set()
            assert marked == expected, (
                f"{path} at tutorial.md:{block.line}: hl_lines={sorted(expected)}"
            )
            seen[path] = block.text


def test_every_command_is_run_or_skipped_for_a_reason() -> None:
    for step in STEPS:
        for argv, _ in step.commands():
            assert runs(argv) or skip_reason(argv), (
                f"{step.title}: teach test_tutorial `$ {shlex.join(argv)}`"
            )


def test_every_step_that_writes_code_runs_it() -> None:
    for step in STEPS:
        writes = [b for b in step.blocks if b.attributes.get("title", "").endswith(".py")]
        if writes:
            assert any(runs(argv) for argv, _ in step.commands()), step.title


@pytest.mark.parametrize(
    "step", [s for s in STEPS if any(runs(a) for a, _ in s.commands())], ids=lambda s: s.title
)
def test_step(step: Step, tmp_path: Path) -> None:
    folder = tmp_path / "todo"
    for path, text in files_up_to(step).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    for number, (argv, shown) in enumerate(step.commands()):
        if argv[:3] == ["python", "-m", "pytest"]:
            run_pytest(argv, folder, shown)
        elif argv[:1] == ["uvicorn"]:
            run_uvicorn(argv, folder, tmp_path / f"uvicorn-{number}.log")
