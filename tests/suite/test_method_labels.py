"""One function names a method (bench.suite.labels): the trial grid, the rows' ``method`` column
and the report's labels for rows without one agree."""

from __future__ import annotations

import pandas as pd

from bench.data import sample_shape
from bench.report.columns import method_labels
from bench.suite import load_suite
from bench.suite.labels import method_label, row_method
from bench.sweep.columns import config_columns

METHODS = [{"loss": "ns"},
           {"loss": {"name": "ns", "params": {"label_smoothing": 0.1}}, "regularizer": {"name": "r1", "weight": 1}},
           {"loss": "hinge", "regularizer": {"name": "r1", "every": 4}},
           {"loss": "wgan", "regularizer": {"name": "gp"}}]
LABELS = {"ns+none", "ns(label_smoothing=0.1)+r1(weight=1)", "hinge+r1(every=4)", "wgan+gp"}


def suite_rows(write_suite, mlp_catalogue) -> list[dict]:
    loaded = load_suite(write_suite({
        "name": "labels", "version": 1, "dataset": {"name": "ring8"},
        "architectures": {"catalogue": str(mlp_catalogue)}, "methods": METHODS,
        "training": {"steps": 10, "batch_size": 8}, "evaluation": {"every": 5}}))
    shape = sample_shape(loaded.suite.dataset.model_dump(exclude_none=True))
    return [dict(config_columns(t.id, t.config, suite="labels", suite_version="1", data_shape=shape), trial=t)
            for t in loaded.trials]


def test_grid_rows_and_row_columns_give_the_same_label(write_suite, mlp_catalogue):
    rows = suite_rows(write_suite, mlp_catalogue)
    assert {row["method"] for row in rows} == LABELS
    for row in rows:
        assert row["method"] == row["trial"].method == row_method(row)


def test_report_labels_rows_without_a_method_from_their_columns(write_suite, mlp_catalogue):
    """A row without a ``method`` value (rows from elsewhere) gets the label of its columns, and
    the other rows keep theirs: one null does not merge ``ns+r1(weight=1)`` with ``ns+r1``."""
    frame = pd.DataFrame([{k: v for k, v in row.items() if k != "trial"} for row in suite_rows(write_suite, mlp_catalogue)])
    expected = list(frame["method"])
    frame.loc[frame.index[1], "method"] = None
    assert list(method_labels(frame)) == expected
    bare = frame[["loss", "regularizer"]]  # only the names: the label has no parameters to show
    assert set(method_labels(bare)) == {"ns+none", "ns+r1", "hinge+r1", "wgan+gp"}


def test_label_shows_weight_and_every_only_off_their_defaults():
    assert method_label({"name": "wgan"}, {"name": "gp", "weight": 10.0, "every": 1}) == "wgan+gp"
    assert method_label({"name": "wgan"}, {"name": "gp", "weight": 5.0, "every": 2}) == "wgan+gp(every=2,weight=5)"
    assert method_label({"name": "hinge"}, {"name": "none", "weight": 0.0}, ["translation", "cutout"]) == \
        "hinge+none+diffaug(translation,cutout)"
