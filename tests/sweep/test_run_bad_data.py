"""Bad data fail at the edge: `bench validate` and `bench run` exit 2 naming the file and
`dataset.path` (or the feature extractor), and nothing is written under the results folder."""

from __future__ import annotations


import pytest

from tests.tiny import bench_cli


bench = bench_cli


@pytest.fixture
def image_suite(write_suite, tmp_path):
    def write(folder, **evaluation) -> tuple:
        mapping = {"name": "imgs", "version": "1",
                   "dataset": {"name": "image-folder", "path": str(folder), "resolution": 8},
                   "architectures": {"space": "bogonet-small", "n": 1, "seed": 0},
                   "losses": ["ns"], "training": {"steps": 2, "batch_size": 4},
                   "evaluation": {"every": 2, "metrics": ["fid"], **evaluation}, "results": str(tmp_path / "out")}
        return write_suite(mapping), tmp_path / "out"
    return write


def assert_exit_2_names(proc, path, field, words):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"{path}: {field}:" in proc.stderr, proc.stderr
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("make, words", [
    (lambda d: d.mkdir(), ["holds no image", ".png"]),
    (lambda d: d.write_text("not a folder"), ["is a file"]),
])
def test_validate_and_run_reject_an_unusable_image_folder(image_suite, tmp_path, make, words):
    make(tmp_path / "images")
    path, out = image_suite(tmp_path / "images")
    for command in ("validate", "run"):
        assert_exit_2_names(bench(command, str(path)), path, "dataset.path", words)
    assert not out.exists()


@pytest.mark.slow
def test_data_that_fail_to_load_stop_run_before_it_writes(image_suite, tmp_path):
    """A file that passes `validate` (an image name) but is no image: run exits 2, writes nothing."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "broken.png").write_bytes(b"not a png")
    path, out = image_suite(tmp_path / "images")
    assert bench("validate", str(path)).returncode == 0
    assert_exit_2_names(bench("run", str(path), "--cache", str(tmp_path / "cache")), path, "dataset.path", ["broken.png"])
    assert not out.exists()


@pytest.mark.slow
def test_an_unusable_feature_extractor_stops_run_before_it_writes(image_suite, tmp_path):
    """One folder of images has no class labels, so the classifier extractor cannot be trained."""
    import numpy as np
    from PIL import Image

    (tmp_path / "images").mkdir()
    for i in range(2):
        Image.fromarray(np.full((8, 8, 3), 40 * i, np.uint8)).save(tmp_path / "images" / f"{i}.png")
    path, out = image_suite(tmp_path / "images", feature_extractor="classifier")
    proc = bench("run", str(path), "--cache", str(tmp_path / "cache"))
    assert_exit_2_names(proc, path, "evaluation.feature_extractor", ["no class labels"])
    assert not out.exists()


def test_a_failed_cifar10_download_leaves_no_empty_folder(tmp_path, monkeypatch):
    from urllib.error import URLError

    from torchvision.datasets import CIFAR10

    from bench.data.images import load_cifar10

    def offline(self):
        (tmp_path / "data" / "cifar10").mkdir(parents=True, exist_ok=True)  # as torchvision does first
        raise URLError("offline")

    monkeypatch.setattr(CIFAR10, "download", offline)
    with pytest.raises(FileNotFoundError, match="download failed"):
        load_cifar10(str(tmp_path / "data" / "cifar10"), download=True)
    assert list(tmp_path.iterdir()) == []


def test_validate_wants_cifar10_in_torchvision_layout(write_suite, tmp_path):
    from bench.suite import SuiteError, load_suite

    (tmp_path / "cifar").mkdir()
    path = write_suite({"name": "c", "version": "1", "dataset": {"name": "cifar10", "path": str(tmp_path / "cifar")},
                        "architectures": {"space": "bogonet-small", "n": 1, "seed": 0}, "losses": ["ns"],
                        "training": {"steps": 2}, "evaluation": {"every": 2, "feature_extractor": "classifier"}})
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert "holds no cifar-10-batches-py/" in dict(info.value.problems)["dataset.path"]
