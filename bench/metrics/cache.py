"""bench's cache on disk: its root, the ``weights/`` folder, and the SHA-256 that identifies a cached file.

The root is ``cache_dir`` when given, else ``$BENCH_CACHE``, else ``~/.cache/bench``.  Beside
``weights/`` (files ``bench weights fetch`` downloads, :mod:`bench.metrics.weights`) it holds
``classifiers/`` (:mod:`bench.metrics.classifier`) and ``reference/`` (:mod:`bench.metrics.reference`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CHUNK = 1 << 20


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """``cache_dir`` or ``$BENCH_CACHE`` or ``~/.cache/bench``."""
    return Path(cache_dir or os.environ.get("BENCH_CACHE") or Path.home() / ".cache" / "bench")


def weights_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """The folder of downloaded weights files: :func:`cache_root`, then ``weights/``."""
    return cache_root(cache_dir) / "weights"


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
