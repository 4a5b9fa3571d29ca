"""The README and the documentation stay true: the schema page lists every core column, the
commands exist, the registry tables are current, the README stays a README."""

from __future__ import annotations

import re

from bench.cli.main import build_parser
from bench.docs_tables import TABLES, fill_blocks, render, stale_blocks
from bench.store.schema import CORE_COLUMNS
from tests.conftest import REPO

README = (REPO / "README.md").read_text()
PAGES = sorted((REPO / "docs").glob("*.md"))


def test_results_page_documents_every_core_column():
    text = (REPO / "docs" / "results.md").read_text()
    missing = [name for name in CORE_COLUMNS if f"| `{name}` |" not in text]
    assert not missing, missing


def test_readme_commands_are_real_subcommands():
    choices = build_parser()._subparsers._group_actions[0].choices
    for name in choices:
        assert f"bench {name}" in README, name
    for line in README.splitlines():
        if line.startswith("| `bench "):
            assert line.split("`")[1].split()[1] in choices, line


def test_readme_is_short_and_names_no_machines_paths():
    assert len(README.splitlines()) <= 250
    assert not re.search(r"(?<![\w.])/(work|home|Users|root)/", README)


def test_generated_tables_match_the_registries():
    stale = {page.name: stale_blocks(page.read_text()) for page in PAGES}
    assert not any(stale.values()), f"run `python scripts/docs_tables.py`: {stale}"
    used = {m for page in PAGES for m in re.findall(r"<!-- generated: ([\w-]+) -->", page.read_text())}
    assert used == set(TABLES), set(TABLES) ^ used  # every table is on some page, once named


def test_a_stale_block_is_detected_and_refilled():
    block = "<!-- generated: losses -->\n| old |\n<!-- end generated -->"
    text = f"intro\n{block}\noutro\n"
    assert stale_blocks(text) == ["losses"]
    filled = fill_blocks(text)
    assert stale_blocks(filled) == [] and filled.startswith("intro\n") and filled.endswith("outro\n")
    assert "| `hinge` (ggan, geometric) |" in filled and "Lim & Ye 2017" in filled


def test_tables_carry_the_registry_metadata():
    regs = render("regularizers")
    assert "| `dragan` |" in regs and "`c` (0.5), `noise` (uniform), `k` (1)" in regs
    metrics = render("metrics")
    assert "p(y\\|x)" in metrics  # a pipe inside a cell is escaped
    assert re.search(r"\| `variance_ratio` \| [^|]+ \| not ranked", metrics)
    assert "≤ 100,000 per network at 1×16×16" in render("spaces")
