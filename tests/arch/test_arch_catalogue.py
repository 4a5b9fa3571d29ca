"""Catalogues, a suite's ``architectures:`` section, result columns, the suites and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bench.arch import SPACES, arch_columns, read_catalogue, resolve_architectures, sample_specs, write_catalogue
from bench.cli.main import main as bench_main

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "archs" / "bogonet150.jsonl"
SUITE_KEYS = {"name", "version", "include", "dataset", "architectures", "losses", "regularizers", "methods",
              "optimizer", "training", "evaluation", "seeds", "resources", "results"}


def resolver(base: Path):
    def resolve(name: str) -> Path:
        candidate = base / name
        return candidate if candidate.exists() else Path.cwd() / name
    return resolve


def test_committed_catalogue_is_byte_identical_to_a_fresh_sample(tmp_path):
    out = tmp_path / "b.jsonl"
    assert bench_main(["archs", "sample", "--n", "150", "--seed", "0", "--out", str(out)]) == 0
    assert out.read_bytes() == CATALOGUE.read_bytes()
    records = [json.loads(line) for line in CATALOGUE.read_text().splitlines()]
    assert [r["index"] for r in records] == list(range(150))
    assert {r["space"] for r in records} == {"bogonet"} and {tuple(r["data_shape"]) for r in records} == {(3, 32, 32)}


def test_catalogue_lines_carry_the_parameter_counts_of_the_built_modules():
    from bench.arch import build_pair

    records = [json.loads(line) for line in CATALOGUE.read_text().splitlines()]
    assert all(r["g_params"] > 0 and r["d_params"] > 0 for r in records)
    for record in records[:3]:
        spec = read_catalogue(CATALOGUE)[record["index"]]
        generator, discriminator = build_pair(spec, (3, 32, 32), 1, 0)
        assert record["g_params"] == sum(p.numel() for p in generator.parameters())
        assert record["d_params"] == sum(p.numel() for p in discriminator.parameters())


def test_catalogue_section_with_ids_and_first():
    specs = read_catalogue(CATALOGUE)
    section = {"catalogue": "archs/bogonet150.jsonl"}
    assert resolve_architectures(section, resolver(ROOT)) == specs
    picked = [specs[5].id, specs[2].id]
    assert [s.id for s in resolve_architectures({**section, "ids": picked}, resolver(ROOT))] == picked
    assert resolve_architectures({**section, "first": 4}, resolver(ROOT), data_shape=(3, 32, 32)) == specs[:4]


@pytest.mark.parametrize("section,message", [
    ({"catalogue": "archs/bogonet150.jsonl", "ids": ["conv-0000000000"]}, r"unknown architecture id\(s\) conv-0000000000"),
    ({"catalogue": "archs/bogonet150.jsonl", "first": 0}, r"'first' must be an integer in \[1, 150\]"),
    ({"catalogue": "archs/bogonet150.jsonl", "first": 2, "ids": []}, "either 'ids' or 'first'"),
    ({"catalogue": "archs/missing.jsonl"}, "does not exist"),
    ({"catalogue": "archs/bogonet150.jsonl", "n": 3}, r"unknown key\(s\) 'n'"),
    ({"space": "bogonet", "n": 3, "catalogue": "x"}, "exactly one of"),
    ({"space": "bogonett", "n": 3}, r"unknown architecture space 'bogonett'.*Did you mean 'bogonet'"),
    ({"space": "bogonet"}, "needs 'n'"),
    ({"space": "bogonet", "n": 0}, "positive integer"),
    ({"space": "bogonet", "n": 3, "knobs": {"g_depth": [4]}}, r"unknown knob\(s\) 'g_depth'.*valid knobs: g_filters"),
    ({"space": "bogonet", "n": 3, "knobs": {"d_norm": ["none", "spectral"]}}, "knob 'd_norm': 'spectral' is not supported"),
    ({"space": "mlp", "n": 3, "knobs": {"g_width": [64.5]}}, "knob 'g_width': 64.5 is not supported"),
    ([1, 2], "must be a mapping"),
])
def test_section_errors_are_precise(section, message):
    with pytest.raises(ValueError, match=message):
        resolve_architectures(section, resolver(ROOT))


def test_sampled_section_is_reproducible_and_checks_the_data_shape():
    section = {"space": "bogonet-small", "n": 5, "seed": 0, "knobs": {"g_block": ["plain"]}}
    first = resolve_architectures(section, resolver(ROOT), data_shape=(1, 16, 16))
    assert first == resolve_architectures(section, resolver(ROOT), data_shape=(1, 16, 16))
    assert len(first) == 5 and {s.knobs["g_block"] for s in first} == {"plain"}
    with pytest.raises(ValueError, match="square images"):
        resolve_architectures(section, resolver(ROOT), data_shape=(2,))
    with pytest.raises(ValueError, match="resolution 18 is not supported"):
        resolve_architectures(section, resolver(ROOT), data_shape=(1, 18, 18))


def test_bad_catalogue_lines_name_the_line(tmp_path):
    spec = sample_specs(SPACES.get("bogonet"), 1, seed=0)[0]
    path = write_catalogue(tmp_path / "c.jsonl", [spec, spec])
    with pytest.raises(ValueError, match=r"c.jsonl:2: architecture .* appears twice"):
        read_catalogue(path)
    record = {**spec.to_dict(), "knobs": {**spec.knobs, "g_kernel": 4}}
    record["id"] = type(spec).from_dict({k: v for k, v in record.items() if k != "id"}).id
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(ValueError, match=r"c.jsonl:1: invalid architecture record: knob 'g_kernel'"):
        read_catalogue(path)


def test_arch_columns_are_flat_scalars():
    spec = read_catalogue(CATALOGUE)[0]
    columns = arch_columns(spec, (3, 32, 32))
    assert columns["arch_id"] == spec.id and columns["arch_family"] == "conv"
    assert columns["arch_d_norm"] == spec.knobs["d_norm"] and columns["arch_z_dim"] == spec.z_dim
    assert columns["arch_g_params"] > 0 and columns["arch_d_params"] > 0
    assert columns["arch_g_depth"] >= 4
    assert all(isinstance(v, (int, str)) for v in columns.values())
    assert set(arch_columns(spec)) == set(columns) - {"arch_g_params", "arch_d_params", "arch_g_depth", "arch_d_depth"}


@pytest.mark.parametrize("suite,count,shape", [("bogonet150.yaml", 150, (3, 32, 32)), ("mixtures.yaml", 8, (2,))])
def test_suites_name_resolvable_architectures(suite, count, shape):
    path = ROOT / "suites" / suite
    config = yaml.safe_load(path.read_text())
    assert set(config) <= SUITE_KEYS
    specs = resolve_architectures(config["architectures"], resolver(path.parent), data_shape=shape)
    assert len(specs) == count


def test_cli_show_lists_and_details(capsys):
    assert bench_main(["archs", "show", str(CATALOGUE)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 151 and listing[-1] == "150 architectures"
    spec = read_catalogue(CATALOGUE)[3]
    assert bench_main(["archs", "show", str(CATALOGUE), spec.id, "--resolution", "64", "--channels", "1"]) == 0
    detail = capsys.readouterr().out
    assert spec.id in detail and "data=(1, 64, 64)" in detail and "→ (1, 64, 64)" in detail
    assert bench_main(["archs", "show", str(CATALOGUE), "conv-nope"]) == 2
    assert "no architecture 'conv-nope'" in capsys.readouterr().err
    assert bench_main(["archs", "sample", "--n", "2", "--seed", "0", "--space", "nope", "--out", "/dev/null"]) == 2
    assert "unknown architecture space 'nope'" in capsys.readouterr().err
