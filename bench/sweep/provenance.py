"""What produced a result: git commit of bench and the versions of the libraries that matter."""

from __future__ import annotations

import json
import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

LIBRARIES = ("bench", "torch", "torchvision", "ray", "optuna", "numpy", "scipy", "pandas", "pyarrow", "clean-fid", "scikit-learn")


@lru_cache(maxsize=1)
def git_commit() -> str:
    """HEAD of the repository bench runs from, with ``-dirty`` when it has uncommitted changes;
    ``unknown`` outside a git checkout (e.g. an installed wheel)."""
    repo = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return head.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@lru_cache(maxsize=1)
def library_versions() -> str:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return json.dumps(versions, sort_keys=True)
