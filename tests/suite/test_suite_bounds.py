"""What a suite may ask for: finite numbers everywhere, sizes within their limits, a loader that
refuses alias bombs and huge documents, short error echoes, and ``architectures.n`` checked
against the space's combinations — each an exit-2 error naming file and field."""

from __future__ import annotations

import math

import pytest

from bench.cli.main import main
from bench.suite import SuiteError, load_suite
from bench.suite.bounds import LIMITS, MAX_FILE_BYTES, MAX_LIST, MAX_NODES


@pytest.fixture
def good(tmp_path):
    return {"name": "tiny", "version": 1, "dataset": {"name": "ring8"}, "architectures": {"space": "mlp", "n": 2},
            "losses": ["ns"], "training": {"steps": 10, "batch_size": 8}, "evaluation": {"every": 5},
            "results": str(tmp_path / "out")}


def problems(write_suite, mapping) -> dict[str, str]:
    with pytest.raises(SuiteError) as info:
        load_suite(write_suite(mapping))
    return dict(info.value.problems)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_non_finite_numbers_are_refused_in_every_kind_of_field(write_suite, good, value):
    mapping = {**good, "optimizer": {"lr_g": value},
               "losses": [{"name": "mmd", "params": {"sigmas": [1.0, value]}}],
               "regularizers": [{"name": "clip", "params": {"c": value}}],
               "training": {**good["training"], "divergence_threshold": value}}
    found = problems(write_suite, mapping)
    for field in ("optimizer.lr_g", "losses[0].params.sigmas[1]", "regularizers[0].params.c",
                  "training.divergence_threshold"):
        assert "finite" in found[field], (field, found)


def test_non_finite_weight_and_search_range_are_refused(write_suite, good):
    mapping = {**good, "regularizers": [{"name": "gp", "weight": math.inf}],
               "search": {"budget": 2, "space": {"lr": {"low": 1e-4, "high": math.inf, "log": True}}}}
    found = problems(write_suite, mapping)
    assert "finite" in found["regularizers[0].weight"] and "finite" in found["search.space.lr.high"]


@pytest.mark.parametrize("field, value", [("dataset.size", 10**9), ("training.batch_size", 100_000),
                                          ("training.steps", 10**12), ("evaluation.num_samples", 10**7),
                                          ("architectures.n", 10**6)])
def test_absurd_sizes_have_upper_bounds_that_say_why(write_suite, good, field, value):
    section, key = field.split(".")
    mapping = {**good, section: {**good[section], key: value}}
    message = problems(write_suite, mapping)[field]
    limit, why = LIMITS[field]
    assert f"{limit:,}" in message and why in message


def test_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ["name: bomb", "version: 1", "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):  # 9**9 = 387 million leaves if expanded
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("losses: [{name: mmd, params: {sigmas: *a8}}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert f"more than {MAX_NODES:,} values" in str(info.value)


def test_huge_document_and_long_list_are_refused(tmp_path, write_suite, good):
    big = tmp_path / "big.yaml"
    big.write_text("description: '" + "x" * MAX_FILE_BYTES + "'\n")
    with pytest.raises(SuiteError, match="at most 1,048,576"):
        load_suite(big)
    found = problems(write_suite, {**good, "seeds": list(range(MAX_LIST + 1))})
    assert f"at most {MAX_LIST:,}" in found["seeds"]


def test_error_messages_echo_a_short_prefix_only(write_suite, good):
    mapping = {**good, "losses": [{"name": "ns", "params": {"label_smoothing": "x" * 100_000}}]}
    with pytest.raises(SuiteError) as info:
        load_suite(write_suite(mapping))
    text = str(info.value)
    assert len(text) < 1_000 and "more characters" in text


def test_n_is_compared_with_the_space_size_up_front(write_suite, good):
    knobs = {"g_width": [64], "d_width": [64], "g_depth": [1], "d_depth": [1], "g_act": ["relu"],
             "d_act": ["relu"], "z_dim": [2]}  # 3 × 3 × 2 = 18 combinations left
    mapping = {**good, "architectures": {"space": "mlp", "n": 19, "knobs": knobs}}
    assert "only 18 knob combinations" in problems(write_suite, mapping)["architectures"]
    every = load_suite(write_suite({**good, "architectures": {"space": "mlp", "n": 18, "knobs": knobs}}))
    assert len({spec.id for spec in every.architectures}) == 18


def test_bench_run_refuses_a_bad_suite_with_exit_2_and_writes_nothing(tmp_path, write_suite, good, capsys):
    path = write_suite({**good, "optimizer": {"lr_g": math.inf}})
    assert main(["run", str(path), "--results", str(tmp_path / "r")]) == 2
    assert "optimizer.lr_g" in capsys.readouterr().err
    assert not (tmp_path / "r").exists() and not (tmp_path / "out").exists()
