"""The README stays true: its schema table lists every core column, its commands exist."""

from __future__ import annotations

from bench.cli.main import build_parser
from bench.store.schema import CORE_COLUMNS
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def test_readme_documents_every_core_column():
    missing = [name for name in CORE_COLUMNS if f"| `{name}` |" not in README]
    assert not missing, missing


def test_readme_commands_are_real_subcommands():
    choices = build_parser()._subparsers._group_actions[0].choices
    for name in choices:
        assert f"bench {name}" in README, name
    for line in README.splitlines():
        if line.startswith("| `bench "):
            assert line.split("`")[1].split()[1] in choices, line
