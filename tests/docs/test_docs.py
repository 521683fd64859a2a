"""The documentation: every page is in the nav, and every python example in the docs and the
READMEs runs and asserts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
# A block with a title is a file the reader writes: the tutorial's steps, run in order by
# test_tutorial.py; anywhere else it would be run by neither.
TITLED = re.compile(r'^```\w+ .*title="', re.M)
PAGES = sorted(DOCS.rglob("*.md"))
READMES = [
    ROOT / "README.md",
    *sorted(ROOT.glob("packages/*/README.md")),
    ROOT / "meta-package/README.md",
]


def examples() -> list[tuple[str, str]]:
    found = []
    for page in [*PAGES, *READMES]:
        text = page.read_text()
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((f"{page.relative_to(ROOT)}:{line}", match.group(1)))
    return found


EXAMPLES = examples()


def nav_pages(entries: list[object]) -> set[str]:
    pages: set[str] = set()
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            pages |= nav_pages(value) if isinstance(value, list) else {str(value)}
    return pages


def test_the_built_site_asks_no_other_host_for_fonts(tmp_path: Path) -> None:
    """Material loads Roboto from Google Fonts unless told not to: a reader's browser would ask
    Google for every page, and an offline copy of the site would wait for it."""
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        check=True,
    )
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text()
        assert "fonts.googleapis.com" not in text, page
        assert "fonts.gstatic.com" not in text, page


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    in_nav = nav_pages(config["nav"])
    on_disk = {str(page.relative_to(DOCS)) for page in PAGES}
    assert in_nav == on_disk


def test_only_pages_and_their_assets_are_published() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    excluded = set(config.get("exclude_docs", "").split())
    assets = {*config.get("extra_css", []), *config.get("extra_javascript", [])}
    for path in sorted(DOCS.rglob("*")):
        name = str(path.relative_to(DOCS))
        if path.is_file() and path.suffix != ".md":
            assert name in excluded | assets, f"{name} would be published: exclude it"


def test_only_the_tutorial_has_blocks_that_are_files() -> None:
    for page in [*PAGES, *READMES]:
        if page != DOCS / "tutorial.md":
            assert not TITLED.search(page.read_text()), page


def test_the_top_readme_has_an_example() -> None:
    assert any(where.startswith("README.md:") for where, _ in EXAMPLES)


def test_every_package_page_has_a_runnable_example() -> None:
    pages_with_examples = {where.rsplit(":", 1)[0] for where, _ in EXAMPLES}
    for page in sorted((DOCS / "packages").glob("*.md")):
        assert str(page.relative_to(ROOT)) in pages_with_examples, page.name


@pytest.mark.parametrize(("where", "code"), EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_example_runs(
    where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, where, "exec"), {"__name__": "markdown_example"})
