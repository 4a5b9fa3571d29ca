"""Results locations: local paths, file:// URIs and non-local pyarrow filesystems all hold the same
layout, read and written through bench.store."""

from __future__ import annotations

import pyarrow.fs as pafs

from bench.store import load_results, write_trial_rows
from bench.store.io import read_trial_rows
from bench.store.location import Location, normalize


def row(trial: str, step: int) -> dict:
    return {"trial_id": trial, "step": step, "status": "ok", "fid": float(step), "attempt": 1}


def test_file_uri_is_the_local_folder(tmp_path):
    assert normalize(f"file://{tmp_path}") == tmp_path
    assert Location.of(f"file://{tmp_path}").local
    write_trial_rows(f"file://{tmp_path}", "t-a", [row("t-a", 10)])
    assert (tmp_path / "rows" / "t-a.parquet").is_file() and not list((tmp_path / "rows").glob(".*"))
    assert load_results(tmp_path)["fid"].tolist() == [10.0]


def test_a_non_local_filesystem_gets_the_same_layout(tmp_path):
    # SubTreeFileSystem is not a LocalFileSystem, so this goes through the object-store code path.
    remote = Location(pafs.SubTreeFileSystem(str(tmp_path), pafs.LocalFileSystem()), "bucket/sweep", "mock://bucket/sweep")
    assert not remote.local and not remote.exists("grid.json")
    remote.write_text("[]", "grid.json")
    write_trial_rows(remote, "t-a", [row("t-a", 10), row("t-a", 20)])
    write_trial_rows(remote, "t-b", [row("t-b", 10)])
    write_trial_rows(remote, "t-a", [row("t-a", 10), row("t-a", 20)])  # idempotent rewrite
    assert (tmp_path / "bucket" / "sweep" / "rows" / "t-a.parquet").is_file()
    rows = load_results(remote)
    assert rows[["trial_id", "step"]].values.tolist() == [["t-a", 10], ["t-a", 20], ["t-b", 10]]
    assert read_trial_rows(remote, "t-b")["attempt"].tolist() == [1] and read_trial_rows(remote, "t-c") is None
    assert remote.read_text("grid.json") == "[]"
    remote.remove("rows")
    assert remote.files("rows") == [] and remote.exists("grid.json")
