"""Every shipped suite validates and expands to the trial count the README states; every YAML
example in the README validates (merged over a shipped suite when it shows one section)."""

from __future__ import annotations

import re

import pytest
import yaml

from bench.cli.main import main
from bench.suite import load_suite
from bench.suite.load import SuiteLoader, read_yaml
from tests.conftest import REPO

README = (REPO / "README.md").read_text()
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
    row = next(line for line in README.splitlines() if line.startswith("| `suites/") and f"`suites/{name}`" in line)
    assert row.split("|")[-2].strip().removesuffix(" each") == f"{trials:,}", row  # the README's table agrees
EXAMPLES = re.findall(r"```yaml\n(.*?)```", README, re.S)


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_readme_yaml_examples_validate(index, tmp_path):
    text = EXAMPLES[index]
    example = yaml.load(text, Loader=SuiteLoader)
    if "name" not in example:  # one section: put it in a shipped suite
        base = "lucic-search.yaml" if "search" in example else "quickstart.yaml"
        text = yaml.safe_dump({**read_yaml(REPO / "suites" / base), **example}, sort_keys=False)
    folder = tmp_path / "suites"  # so that ../archs/… resolves as in the repository
    folder.mkdir()
    (tmp_path / "archs").symlink_to(REPO / "archs")
    path = folder / "example.yaml"
    path.write_text(text)
    assert load_suite(path).planned_trials > 0
