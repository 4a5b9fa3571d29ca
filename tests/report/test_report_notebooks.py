"""The analysis notebooks execute top to bottom (nbclient, the `python3` kernel of the running
interpreter) against a small generated results directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.report_synth import write_suite

pytestmark = pytest.mark.slow  # a notebook kernel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("nb") / "suite"
    write_suite(path, {"ns+none": 0.0, "wgan+gp": -8.0, "hinge+none": -3.0}, n_arch=4, seeds=(0, 1),
                diverged=("ns+none-a1-s0",))
    return path


@pytest.mark.parametrize("name", ["leaderboard.ipynb", "stability.ipynb"])
def test_notebook_executes(name, results, tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_RESULTS", str(results))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(ROOT / "analysis" / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    client = NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    kernel_prefix = nb.cells[-1].outputs[0]["text"].strip()
    assert kernel_prefix == sys.prefix, f"kernel runs in {kernel_prefix}, not in this environment {sys.prefix}"
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "the notebook drew no figure"
