"""Small pieces the tests share: tiny MLP catalogues for sweeps on 2-D points, and the ``bench``
command run as a subprocess (what a user types, with its exit code and output)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TINY_MLP = {"g_width": 16, "d_width": 16, "g_depth": 1, "d_depth": 1}
"""The architecture of most sweep tests: one hidden layer of 16 units on each side."""
SMALL_MLP = {"g_width": 32, "d_width": 32, "g_depth": 2, "d_depth": 2}
"""Two hidden layers of 32: enough to learn ring8 a little in a few hundred steps."""

CLI_TIMEOUT_S = 600  # a safety limit for one command, never a measured time


def write_mlp_catalogue(folder: Path, *knobs: dict, z_dim: int = 4, name: str = "mlp.jsonl") -> Path:
    """``folder/name``: a catalogue of one MLP pair per knob set (default: one :data:`TINY_MLP`)."""
    from bench.arch.spec import ArchSpec

    path = Path(folder) / name
    specs = [ArchSpec("mlp", dict(k), z_dim=z_dim) for k in (knobs or (TINY_MLP,))]
    path.write_text("".join(json.dumps(spec.to_dict()) + "\n" for spec in specs))
    return path


def bench_cli(*args: str, cwd=None, env: dict | None = None, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess:
    """``python -m bench.cli.main ARGS`` with its output captured as text."""
    return subprocess.run([sys.executable, "-m", "bench.cli.main", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)
