"""Writing and reading result rows.

Each trial owns one file, ``rows/<trial_id>.parquet``, rewritten with *all* of its rows at every
evaluation (write to a dot-named temporary, fsync, ``os.replace``; a single object write on an
object store — see :mod:`bench.store.location`, which also accepts ``s3://``-style URIs).  Rewriting is idempotent by
(trial id, step): a trial resumed from an older checkpoint recomputes and rewrites the same
rows, so a crash between writing and checkpointing can never duplicate a row.  Readers skip
dot- and underscore-prefixed files and unify the schemas of all files.  A file that cannot be read
(truncated, junk) never crashes a reader silently or with a pyarrow traceback: :func:`read_row_files`
sets it aside by name, :func:`load_results` refuses naming it (:class:`DamagedRows`).
"""

from __future__ import annotations

import os

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.layout import ROWS_DIR, SUMMARIES_DIR, table_name
from bench.store.location import Location
from bench.store.schema import CORE_COLUMNS, STATUS_ERROR, arrow_type


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


def table_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


class DamagedRows(ValueError):
    """Row files that cannot be read; the message names them and says how to recover."""

    def __init__(self, location: Location, damaged: dict[str, str]):
        self.damaged = damaged
        names = "; ".join(f"{path}: {reason}" for path, reason in sorted(damaged.items()))
        super().__init__(
            f"{len(damaged)} unreadable row file(s) under {location.path(ROWS_DIR)}: {names}. "
            "A trial's file is recomputed from its checkpoint by rerunning `bench run SUITE --results "
            f"{location}` (it says which trials it repairs); a file that is no trial's, move out of {ROWS_DIR}/.")


def write_trial_rows(results_dir: str | os.PathLike | Location, trial_id: str, rows: list[dict],
                     before_replace=None) -> str:
    """Replace the trial's row file with ``rows`` (one per evaluation step, unique steps);
    ``before_replace`` (a test hook, bench.sweep.killpoints) runs between writing the temporary
    file and renaming it."""
    steps = [row["step"] for row in rows]
    if len(steps) != len(set(steps)):
        raise ValueError(f"trial {trial_id}: duplicate steps {steps}")
    return Location.of(results_dir).write_bytes(table_bytes(rows_to_table(rows)), ROWS_DIR, table_name(trial_id),
                                                before_replace=before_replace)


def record_trial_error(results_dir: str | os.PathLike | Location, trial_id: str, error_row: dict) -> str:
    """Add ``error_row`` (status ``error``, at its ``step``) to the trial's rows *already on
    storage*, for an attempt that failed before it had a history of its own (e.g. while loading
    its data or its checkpoint): earlier attempts' rows are kept, earlier error rows and any row
    at the same step are replaced."""
    location = Location.of(results_dir)
    new = rows_to_table([error_row])
    old = None
    if location.exists(ROWS_DIR, table_name(trial_id)):
        try:
            old = pq.read_table(location.path(ROWS_DIR, table_name(trial_id)), filesystem=location.fs)
        except Exception:  # noqa: BLE001 — an unreadable file holds nothing to keep
            old = None
    if old is not None and old.num_rows:
        frame = old.to_pandas()
        keep = (frame["status"] != STATUS_ERROR) & (frame["step"] != error_row["step"])
        old = old.filter(pa.array(keep.to_numpy()))
        schema = pa.unify_schemas([old.schema, new.schema], promote_options="permissive")
        new = pa.concat_tables([_conform(old, schema), _conform(new, schema)])
        new = new.take(pa.array(new.column("step").to_pandas().argsort(kind="stable").to_numpy()))
    return location.write_bytes(table_bytes(new), ROWS_DIR, table_name(trial_id))


def write_trial_summary(results_dir: str | os.PathLike | Location, trial_id: str, summary: dict) -> str:
    """Replace the trial's one-row summary (stability statistics) in ``summaries/<trial_id>.parquet``."""
    table = rows_to_table([summary], core=False)
    return Location.of(results_dir).write_bytes(table_bytes(table), SUMMARIES_DIR, table_name(trial_id))


def load_summaries(results_dir: str | os.PathLike | Location) -> pd.DataFrame:
    """All per-trial summaries as one DataFrame (one row per finished trial); empty if none."""
    location = Location.of(results_dir)
    files = location.files(SUMMARIES_DIR, ".parquet")
    return _read_unified(files, location.fs) if files else pd.DataFrame()


def row_files(results_dir: str | os.PathLike | Location, folder_name: str = ROWS_DIR) -> list[str]:
    return Location.of(results_dir).files(folder_name, ".parquet")


def read_row_files(results_dir: str | os.PathLike | Location) -> tuple[dict[str, pa.Table], dict[str, str]]:
    """Every row file, read one by one: (path → table, path → why it cannot be read)."""
    location = Location.of(results_dir)
    tables, damaged = {}, {}
    for path in location.files(ROWS_DIR, ".parquet"):
        try:
            tables[path] = pq.read_table(path, filesystem=location.fs)
        except Exception as exc:  # noqa: BLE001 — truncated, junk or unreadable: named, not fatal here
            damaged[path] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}"
    return tables, damaged


def read_trial_rows(results_dir: str | os.PathLike | Location, trial_id: str) -> pd.DataFrame | None:
    """One trial's rows, or None when it has none yet (raises when its file cannot be read)."""
    location = Location.of(results_dir)
    if not location.exists(ROWS_DIR, table_name(trial_id)):
        return None
    return pq.read_table(location.path(ROWS_DIR, table_name(trial_id)), filesystem=location.fs).to_pandas()


def load_results(results_dir: str | os.PathLike | Location) -> pd.DataFrame:
    """All result rows under ``results_dir`` as one DataFrame (schemas unified across files),
    sorted by (trial_id, step).  Raises FileNotFoundError if there are none and
    :class:`DamagedRows` (a ValueError naming the files) if some cannot be read."""
    location = Location.of(results_dir)
    tables, damaged = read_row_files(location)
    if damaged:
        raise DamagedRows(location, damaged)
    if not tables:
        raise FileNotFoundError(f"no result rows under {location.path(ROWS_DIR)}")
    return unify_tables(list(tables.values())).sort_values(["trial_id", "step"], kind="stable").reset_index(drop=True)


def _read_unified(files: list[str], fs=None) -> pd.DataFrame:
    return unify_tables([pq.read_table(p, filesystem=fs) for p in files])


def unify_tables(tables: list[pa.Table]) -> pd.DataFrame:
    """Tables with possibly different columns → one DataFrame with the union of the columns."""
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
