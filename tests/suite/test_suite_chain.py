"""An ``include:`` chain is read once: the merged suite and the file of every field come from the
same pass, and errors and input paths use that map instead of reading the files again."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.suite import SuiteError, load_suite
from bench.suite.chain import read_chain


def write(folder, name, mapping):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    return path


@pytest.fixture
def three_files(tmp_path):
    """child → [first.yaml, bases/second.yaml], second → deeper.yaml (beside second)."""
    first = write(tmp_path, "first.yaml", {"training": {"steps": 1, "ema": 0.5}, "losses": ["ns"], "seeds": [1]})
    deeper = write(tmp_path, "bases/deeper.yaml", {"training": {"log_every": 7, "steps": 2}, "evaluation": {"every": 3}})
    second = write(tmp_path, "bases/second.yaml", {"include": "deeper.yaml", "training": {"batch_size": 4}, "losses": ["hinge", "wgan"]})
    child = write(tmp_path, "child.yaml", {"include": ["first.yaml", "bases/second.yaml"], "name": "c", "training": {"ema": 0.9}})
    return child, first, second, deeper


def test_the_map_names_the_file_whose_value_the_merged_suite_holds(three_files):
    child, first, second, deeper = three_files
    data, origins = read_chain(child)
    assert data == {"training": {"steps": 2, "ema": 0.9, "log_every": 7, "batch_size": 4}, "losses": ["hinge", "wgan"],
                    "seeds": [1], "evaluation": {"every": 3}, "name": "c"}
    # a later base wins over an earlier one, a base's own base over the earlier base, the child over all
    assert origins.file_of("training.steps") == deeper and origins.file_of("training.ema") == child
    assert origins.file_of("training.batch_size") == second and origins.file_of("seeds[0]") == first
    assert origins.file_of("losses[1].name") == second  # a list is set whole by one file
    assert origins.file_of("training") == child and origins.file_of("name") == child
    assert origins.file_of("training.divergence_threshold") == child  # set by no file: the suite's
    assert origins.included(["training.steps", "training.ema", "evaluation.every", ""]) == {
        "training.steps": deeper, "evaluation.every": deeper}


def test_an_error_in_a_chain_reads_each_file_once(three_files, monkeypatch):
    child, first, second, deeper = three_files
    write(deeper.parent, deeper.name, {"training": {"log_every": "often", "steps": 2}, "evaluation": {"every": 3}})
    reads = []
    real = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: (reads.append(self.name) if self.suffix == ".yaml" else None)
                        or real(self, *a, **k))
    with pytest.raises(SuiteError) as info:
        load_suite(child)
    assert sorted(reads) == ["child.yaml", "deeper.yaml", "first.yaml", "second.yaml"]  # none again for the error
    text = str(info.value)
    assert f"{deeper} (included by {child}): training.log_every:" in text
    assert f"{child}: version:" in text and f"{child}: dataset:" in text  # missing fields: the suite itself
    assert info.value.files == {"training.log_every": deeper}
