"""The Parquet store: declared column types, idempotent rewrites, unified reads."""

from __future__ import annotations

import math

import pyarrow.parquet as pq
import pytest

from bench.store import load_results, write_trial_rows
from bench.store.io import record_trial_error, row_files
from bench.store.schema import CORE_COLUMNS


def row(trial: str, step: int, **extra) -> dict:
    return {"trial_id": trial, "step": step, "status": "ok", "loss": "ns", "regularizer": "none", **extra}


def test_written_file_has_the_declared_types(tmp_path):
    path = write_trial_rows(tmp_path, "t-a", [row("t-a", 10, fid=1.5, seed=3), row("t-a", 20, fid=None, seed=3)])
    schema = pq.read_schema(path)
    for name, declared in CORE_COLUMNS.items():
        assert schema.field(name).type == declared[0], name
    table = pq.read_table(path).to_pandas()
    assert table["fid"].iloc[0] == 1.5 and math.isnan(table["fid"].iloc[1])  # NaN, never a magic number
    assert table["seed"].tolist() == [3, 3]
    assert table["resize_mode"].isna().all() and table["num_real"].isna().all()  # declared columns, null when unset


def test_rows_carry_the_settings_of_the_real_statistics(tmp_path):
    """The row of a trial = its config columns + the reference's row_fields (bench.sweep.trainable)."""
    from bench.metrics.context import RealReference

    ref = RealReference(key={"feature_extractor": "inception:clean-fid@0123abcd", "num_samples": 500,
                             "resize_mode": "clean", "num_real": 10000, "prdc_k": 3})
    write_trial_rows(tmp_path, "t-a", [row("t-a", 10, fid=1.0, **ref.row_fields())])
    got = load_results(tmp_path).iloc[0]
    assert (got["feature_extractor"], got["num_samples"], got["resize_mode"], got["num_real"], got["prdc_k"]) == (
        "inception:clean-fid@0123abcd", 500, "clean", 10000, 3)


def test_rewriting_a_trial_never_duplicates_rows(tmp_path):
    write_trial_rows(tmp_path, "t-a", [row("t-a", 10, fid=3.0)])
    write_trial_rows(tmp_path, "t-a", [row("t-a", 10, fid=3.0), row("t-a", 20, fid=2.0)])
    write_trial_rows(tmp_path, "t-a", [row("t-a", 10, fid=3.0), row("t-a", 20, fid=2.0)])  # replayed after a crash
    frame = load_results(tmp_path)
    assert frame[["trial_id", "step"]].values.tolist() == [["t-a", 10], ["t-a", 20]]
    assert len(row_files(tmp_path)) == 1 and not list((tmp_path / "rows").glob(".*"))


def test_duplicate_steps_are_refused(tmp_path):
    with pytest.raises(ValueError, match="duplicate steps"):
        write_trial_rows(tmp_path, "t-a", [row("t-a", 10), row("t-a", 10)])


def test_loader_unifies_columns_across_files(tmp_path):
    write_trial_rows(tmp_path, "t-a", [row("t-a", 10, fid=3.0)])
    write_trial_rows(tmp_path, "t-b", [row("t-b", 10, modes=7.0, arch_d_norm="sn")])
    frame = load_results(tmp_path).set_index("trial_id")
    assert frame.loc["t-a", "fid"] == 3.0 and math.isnan(frame.loc["t-b", "fid"])
    assert frame.loc["t-b", "modes"] == 7.0 and frame.loc["t-b", "arch_d_norm"] == "sn"


def test_loader_ignores_temporary_files_and_says_when_empty(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_results(tmp_path)
    write_trial_rows(tmp_path, "t-a", [row("t-a", 1)])
    (tmp_path / "rows" / ".t-b.parquet.123.tmp").write_bytes(b"partial")
    assert len(load_results(tmp_path)) == 1


def test_an_error_before_the_history_loads_keeps_the_rows_already_written(tmp_path):
    """An attempt that dies while loading its data or checkpoint has no history of its own: its
    error row joins the earlier attempts' rows (replacing an older error row) instead of
    replacing them."""
    write_trial_rows(tmp_path, "t-a", [row("t-a", 100, fid=3.0), row("t-a", 200, fid=2.0),
                                       {**row("t-a", 300), "status": "error", "error": "OSError: old"}])
    record_trial_error(tmp_path, "t-a", {**row("t-a", 0), "status": "error", "error": "OSError: disk", "attempt": 3})
    frame = load_results(tmp_path)
    assert frame["step"].tolist() == [0, 100, 200]
    assert frame["status"].tolist() == ["error", "ok", "ok"] and frame["fid"].iloc[2] == 2.0
    assert frame["error"].iloc[0] == "OSError: disk" and frame["attempt"].iloc[0] == 3
    record_trial_error(tmp_path, "t-b", {**row("t-b", 0), "status": "error", "error": "x"})
    assert load_results(tmp_path).query("trial_id == 't-b'")["status"].tolist() == ["error"]
