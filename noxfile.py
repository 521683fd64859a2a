"""Every check of the monorepo. Plain `nox` runs them all; `nox -l` lists them.

Each package is tested in a venv of its own that holds only that package, its declared
dependencies and its test-only group, so an undeclared import fails here before it fails a user.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
import family  # noqa: E402 - the package graph, read from the pyprojects (tools/family.py)

COVERAGE_DIR = ROOT / ".nox-coverage"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = False
nox.options.sessions = [
    "lint",
    "typecheck",
    "tests",
    "isolation",
    "coverage",
    "hostile",
    "ecosystem",
    "servers",
    "docs",
    "starlette-suite",
    "ecosystem-suites",
    "release-check",
]


PACKAGES = family.packages()


def install_args(roots: list[str], editable: str | None = None) -> list[str]:
    """pip/uv arguments installing `roots` (requirement strings) with every sibling from disk.

    Siblings are never fetched from an index: each one reachable from the roots is passed as a
    local path, with the union of the extras asked of it.
    """
    wanted: dict[str, set[str]] = {}
    third_party: list[str] = []
    todo = list(roots)
    while todo:
        requirement = todo.pop()
        name, extras = family.split_requirement(requirement)
        if name not in PACKAGES:
            third_party.append(requirement)
            continue
        known = wanted.get(name)
        new = extras if known is None else extras - known
        if known is not None and not new:
            continue
        wanted.setdefault(name, set()).update(extras)
        package = PACKAGES[name]
        todo.extend(package.dependencies if known is None else [])
        for extra in new:
            todo.extend(package.extras.get(extra, []))
    args: list[str] = []
    for name, extras in sorted(wanted.items()):
        spec = str(PACKAGES[name].path) + (f"[{','.join(sorted(extras))}]" if extras else "")
        args.extend(["-e", spec] if name == editable else [spec])
    return args + sorted(set(third_party))


def install(session: nox.Session, *args: str) -> None:
    """Install, rebuilding our own packages every time (uv would reuse a stale cached build)."""
    fresh: list[str] = []
    if session.venv_backend == "uv":
        for name in PACKAGES:
            fresh += ["--reinstall-package", name]
    session.install(*fresh, *args)


def all_extras(package: family.Package) -> str:
    return f"{package.dist}[{','.join(sorted(package.extras))}]" if package.extras else package.dist


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", "tools/versions.py")
    session.run("python", "tools/family.py", "--check", "ARCHITECTURE.md")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over every package, with every extra installed."""
    roots = [all_extras(p) for p in PACKAGES.values()]
    install(
        session,
        *install_args(roots),
        "mypy>=1.13",
        "types-requests",
        "types-aiofiles",
        "types-ujson",
        "types-PyYAML",
    )
    session.run("mypy", *[arg for p in PACKAGES.values() for arg in ("-p", p.import_name)])


@nox.session
@nox.parametrize("package", sorted(PACKAGES))
def tests(session: nox.Session, package: str) -> None:
    """One package's tests, alone in its venv, with line and branch coverage at 100%."""
    target = PACKAGES[package]
    install(session, *install_args([all_extras(target), *target.test_group], editable=package))
    COVERAGE_DIR.mkdir(exist_ok=True)
    data_file = COVERAGE_DIR / package
    data_file.unlink(missing_ok=True)
    session.run(
        "pytest",
        str(target.path / "tests"),
        f"--rootdir={ROOT}",
        f"--cov={target.import_name}",
        "--cov-report=term-missing",
        env={"COVERAGE_FILE": str(data_file)},
    )


@nox.session
@nox.parametrize("package", sorted(PACKAGES))
def isolation(session: nox.Session, package: str) -> None:
    """Build the wheels, install one package alone, import every module, check the graph."""
    session.run("python", str(ROOT / "tools/boundaries.py"), package)
    wheels = Path(session.create_tmp()) / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    specs = install_args([package])
    for spec in specs:
        path = spec.split("[")[0]
        if Path(path).exists():
            session.run("uv", "build", "--wheel", "--quiet", "--out-dir", str(wheels), path)
    local = [spec for spec in specs if Path(spec.split("[")[0]).exists()]
    remote = [spec for spec in specs if spec not in local]
    install(session, "--no-deps", *sorted(str(w) for w in wheels.glob("*.whl")))
    if remote:
        session.install(*remote)
    session.run("python", str(ROOT / "tools/import_alone.py"), package)


@nox.session
def coverage(session: nox.Session) -> None:
    """Read each package's coverage data from its tests session; every one must be 100%."""
    session.install("coverage[toml]>=7")
    failed = []
    for name in sorted(PACKAGES):
        data_file = COVERAGE_DIR / name
        if not data_file.exists():
            session.error(f"no coverage data for {name}: run `nox -s tests` first")
        session.log(f"coverage of {name}")
        try:
            session.run("coverage", "report", f"--data-file={data_file}", "--fail-under=100")
        except nox.command.CommandFailed:
            failed.append(name)
    if failed:
        session.error(f"below 100% coverage: {', '.join(failed)}")


def run_suite(session: nox.Session, requirements: str, *folders: str) -> None:
    """Install the whole toolkit plus `requirements`, then run pytest over `folders`."""
    install(session, *install_args(["asgi-toolkit[full]"]), "-r", str(ROOT / requirements))
    session.run("pytest", *folders, f"--rootdir={ROOT}", "-p", "no:cacheprovider")


@nox.session
def hostile(session: nox.Session) -> None:
    """Hostile input, property and fault tests across every package (tests/hostile, tests/faults)."""
    run_suite(session, "tests/hostile/requirements.txt", "tests/hostile", "tests/faults")


@nox.session
def ecosystem(session: nox.Session) -> None:
    """Our pieces inside Django Channels, FastAPI, Litestar and Starlette apps (tests/ecosystem)."""
    run_suite(session, "tests/ecosystem/requirements.txt", "tests/ecosystem")


@nox.session
def servers(session: nox.Session) -> None:
    """The example app under uvicorn, hypercorn, daphne and granian, over real sockets."""
    run_suite(session, "tests/servers/requirements.txt", "tests/servers")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs in strict mode; run every python example in the docs and the READMEs."""
    site = Path(session.create_tmp()).resolve() / "site"
    install(
        session, *install_args(["asgi-toolkit[full]"]), "-r", str(ROOT / "docs/requirements.txt")
    )
    session.run("mkdocs", "build", "--strict", "--site-dir", str(site))
    session.log(f"the site is in {site}: open {site / 'index.html'}")
    session.run("pytest", "tests/docs", f"--rootdir={ROOT}", "-p", "no:cacheprovider")


@nox.session(name="starlette-suite")
def starlette_suite(session: nox.Session) -> None:
    """Starlette's own test suite, run against our modules (tests/starlette_suite/run.py)."""
    install(
        session,
        *install_args(["asgi-toolkit[full]"]),
        "-r",
        str(ROOT / "tests/starlette_suite/requirements.txt"),
    )
    suite = ROOT / "tests/starlette_suite"
    session.run(
        "pytest",
        str(suite / "test_harness.py"),
        f"--rootdir={suite}",
        "-p",
        "no:cacheprovider",
        env={"PYTHONPATH": str(suite)},
    )
    session.run("python", str(suite / "run.py"), *session.posargs)


@nox.session(name="ecosystem-suites")
def ecosystem_suites(session: nox.Session) -> None:
    """Other people's Starlette libraries' own test suites, on Starlette and on us: whatever
    passes on Starlette must pass on us (tests/ecosystem_suites/run.py)."""
    install(
        session,
        *install_args(["asgi-toolkit[full]"]),
        "-r",
        str(ROOT / "tests/ecosystem_suites/requirements.txt"),
    )
    session.run("python", str(ROOT / "tests/ecosystem_suites/run.py"), *session.posargs)


@nox.session(name="release-check")
def release_check(session: nox.Session) -> None:
    """Build every sdist and wheel, twine-check them, install each package alone from them."""
    session.install("pip", "twine>=5", "uv")
    session.run("python", str(ROOT / "tools/release_check.py"), session.create_tmp())


@nox.session
def wheelhouse(session: nox.Session) -> None:
    """Every package's wheel and every third-party one they need, in ./wheelhouse (tools/wheelhouse.py):
    then `pip install --no-index --find-links wheelhouse asgi-middleware` installs any one alone."""
    session.install("pip", "uv")
    session.run("python", str(ROOT / "tools/wheelhouse.py"), str(ROOT / "wheelhouse"))


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the example app with uvicorn on 127.0.0.1:8000."""
    install(
        session,
        *install_args(["asgi-toolkit[full]"], editable="asgi-toolkit"),
        "uvicorn[standard]>=0.30",
    )
    session.run(
        "uvicorn",
        "examples.app:app",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "--app-dir",
        str(ROOT),
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against a raw ASGI callable, Starlette and BlackSheep (not in the default run)."""
    install(
        session,
        *install_args(["asgi-toolkit[full]"]),
        "starlette",
        "blacksheep",
        "uvicorn>=0.30",
        "httptools",
        "python-multipart",
        "websockets",
    )
    session.chdir(ROOT)
    session.run("python", "-m", "bench.inprocess")
    session.run("python", "-m", "bench.e2e")
    session.run("python", "-m", "bench.memory")
    session.run("python", "-m", "bench.forms")
    session.run("python", "-m", "bench.layers")


@nox.session
def soak(session: nox.Session) -> None:
    """The example app under uvicorn, under a bounded mix of clients (python -m bench.soak)."""
    install(
        session, *install_args(["asgi-toolkit[full]"]), "uvicorn>=0.30", "httptools", "websockets"
    )
    session.chdir(ROOT)
    session.run("python", "-m", "bench.soak", *session.posargs)
