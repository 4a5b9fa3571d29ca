"""Every shipped suite validates and expands to the trial count the README and the docs state;
every YAML example in the README and in docs/*.md validates (merged over a shipped suite when it
shows one section)."""

from __future__ import annotations

import re

import pytest
import yaml

from bench.cli.main import main
from bench.suite import load_suite
from bench.suite.chain import read_yaml
from bench.suite.dialect import SuiteLoader
from tests.conftest import REPO

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
TEXTS = {path.relative_to(REPO).as_posix(): path.read_text() for path in DOCUMENTS}
TRIALS = {"quickstart.yaml": 20, "mixtures.yaml": 72, "bogonet150.yaml": 2250,
          "lucic-search.yaml": 48, "lucic-search-narrow.yaml": 48, "lucic2018.yaml": 56, "lucic2018-narrow.yaml": 56}


def test_every_shipped_suite_is_listed_here():
    assert sorted(p.name for p in (REPO / "suites").glob("*.yaml")) == sorted(TRIALS)


@pytest.mark.parametrize("name, trials", sorted(TRIALS.items()))
def test_shipped_suite_validates_with_its_trial_count(name, trials, capsys):
    path = REPO / "suites" / name
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"trials        {trials}\n" in out, out
    rows = [line for text in TEXTS.values() for line in text.splitlines()
            if line.startswith("| `suites/") and f"`suites/{name}`" in line]
    assert rows, f"no table lists suites/{name}"
    for row in rows:  # every table that lists the suite agrees
        assert row.split("|")[-2].strip().removesuffix(" each") == f"{trials:,}", row
EXAMPLES = [(doc, i, text) for doc, body in TEXTS.items()
            for i, text in enumerate(re.findall(r"```yaml\n(.*?)```", body, re.S))]


@pytest.mark.parametrize("doc, index, text", EXAMPLES, ids=[f"{doc}:{i}" for doc, i, _ in EXAMPLES])
def test_documented_yaml_examples_validate(doc, index, text, tmp_path):
    example = yaml.load(text, Loader=SuiteLoader)
    if "name" not in example:  # one section: put it in a shipped suite
        base = "lucic-search.yaml" if "search" in example else "quickstart.yaml"
        text = yaml.safe_dump({**read_yaml(REPO / "suites" / base), **example}, sort_keys=False)
    folder = tmp_path / "suites"  # so that ../archs/… resolves as in the repository
    folder.mkdir()
    (tmp_path / "archs").symlink_to(REPO / "archs")
    for plugin in example.get("plugins", []):  # the docs' plugin examples are the shipped ones
        (folder / plugin).symlink_to(REPO / "examples" / "plugins" / plugin)
    path = folder / "example.yaml"
    path.write_text(text)
    assert load_suite(path).planned_trials > 0


def test_the_readmes_suite_is_the_shipped_quickstart():
    shown = [yaml.safe_load(text) for doc, _, text in EXAMPLES if doc == "README.md"]
    assert read_yaml(REPO / "suites" / "quickstart.yaml") in shown
