"""Writing and reading result rows.

Each trial owns one file, ``rows/<trial_id>.parquet``, rewritten with *all* of its rows at every
evaluation (write to a dot-named temporary, fsync, ``os.replace``).  Rewriting is idempotent by
(trial id, step): a trial resumed from an older checkpoint recomputes and rewrites the same
rows, so a crash between writing and checkpointing can never duplicate a row.  Readers skip
dot- and underscore-prefixed files and unify the schemas of all files.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.store.schema import CORE_COLUMNS, arrow_type

ROWS_DIR = "rows"
SUMMARIES_DIR = "summaries"


def rows_to_table(rows: list[dict], *, core: bool = True) -> pa.Table:
    """Rows → an Arrow table; with ``core`` every core column exists (null/NaN when absent)."""
    present = {k for row in rows for k in row}
    columns = [c for c in CORE_COLUMNS if core or c in present] + sorted(present - set(CORE_COLUMNS))
    fields, arrays = [], []
    for col in columns:
        values = [row.get(col) for row in rows]
        sample = next((v for v in values if v is not None), None)
        typ = arrow_type(col, sample)
        if typ == pa.float64():
            values = [float("nan") if v is None else float(v) for v in values]
        fields.append(pa.field(col, typ))
        arrays.append(pa.array(values, type=typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def atomic_write_table(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    with open(tmp, "wb") as handle:
        pq.write_table(table, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_trial_rows(results_dir: Path, trial_id: str, rows: list[dict]) -> Path:
    """Replace the trial's row file with ``rows`` (one per evaluation step, unique steps)."""
    steps = [row["step"] for row in rows]
    if len(steps) != len(set(steps)):
        raise ValueError(f"trial {trial_id}: duplicate steps {steps}")
    path = Path(results_dir) / ROWS_DIR / f"{trial_id}.parquet"
    atomic_write_table(rows_to_table(rows), path)
    return path


def write_trial_summary(results_dir: Path, trial_id: str, summary: dict) -> Path:
    """Replace the trial's one-row summary (stability statistics) in ``summaries/<trial_id>.parquet``."""
    path = Path(results_dir) / SUMMARIES_DIR / f"{trial_id}.parquet"
    atomic_write_table(rows_to_table([summary], core=False), path)
    return path


def load_summaries(results_dir: str | os.PathLike) -> pd.DataFrame:
    """All per-trial summaries as one DataFrame (one row per finished trial); empty if none."""
    files = row_files(Path(results_dir), SUMMARIES_DIR)
    return _read_unified(files) if files else pd.DataFrame()


def row_files(results_dir: Path, folder_name: str = ROWS_DIR) -> list[Path]:
    folder = Path(results_dir) / folder_name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def load_results(results_dir: str | os.PathLike) -> pd.DataFrame:
    """All result rows under ``results_dir`` as one DataFrame (schemas unified across files),
    sorted by (trial_id, step).  Raises FileNotFoundError if there are none."""
    files = row_files(Path(results_dir))
    if not files:
        raise FileNotFoundError(f"no result rows under {Path(results_dir) / ROWS_DIR}")
    return _read_unified(files).sort_values(["trial_id", "step"], kind="stable").reset_index(drop=True)


def _read_unified(files: list[Path]) -> pd.DataFrame:
    tables = [pq.read_table(p) for p in files]
    schema = pa.unify_schemas([t.schema for t in tables], promote_options="permissive")
    return pa.concat_tables([t.cast(schema) if t.schema == schema else _conform(t, schema) for t in tables]).to_pandas()


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    arrays = []
    for field in schema:
        if field.name in table.column_names:
            arrays.append(table[field.name].cast(field.type))
        else:
            arrays.append(pa.nulls(table.num_rows, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)
