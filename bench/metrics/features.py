"""Feature extractors: one registry of name → builder.

A suite names an extractor as ``auto``, ``classifier``, ``classifier:<dataset>``, ``inception``,
``inception:fid-helper`` or ``inception:clean-fid``.  Building one gives a :class:`LoadedExtractor`:
a module mapping images in [−1, 1] to ``(features, class probabilities or None)`` (None for
fid-helper's Inception, which has no class head) plus its
identity string, written into every result row as ``feature_extractor``:

- ``classifier:<dataset>@<sha8>``: bench's small CNN trained on ``<dataset>`` (see
  :mod:`bench.metrics.classifier`), sha8 = first 8 hex digits of the digest of its weights'
  content and recipe (the same on every machine and fresh cache, unlike the file's bytes);
- ``inception:<source>@<sha8>``: the FID Inception (see :mod:`bench.metrics.inception`), source
  ``fid-helper`` or ``clean-fid``, sha8 of the weights file.

``auto`` picks the dataset entry's ``extractor`` (``classifier`` for the embedded digits and
mnist5k); where that is ``auto`` too, Inception when weights are available, otherwise the
classifier when the data have labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import torch

from bench.registry import Registry


@dataclass
class LoadedExtractor:
    module: torch.nn.Module
    name: str  # e.g. "classifier:digits@1a2b3c4d"
    sha256: str
    resize_mode: str  # "none" (native resolution) or an Inception resize mode
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FeatureExtractorEntry:
    build: Callable[..., LoadedExtractor]  # (dataset, variant, *, cache_dir, device, options)
    description: str
    has_class_probs: Optional[bool]  # None: depends on the weights the builder finds

    def describe(self) -> dict:
        return {"description": self.description, "class_probabilities": self.has_class_probs}


FEATURE_EXTRACTORS: Registry[FeatureExtractorEntry] = Registry("feature extractor")


def _build_classifier(dataset, variant: Optional[str], *, cache_dir, device, options) -> LoadedExtractor:
    from bench.metrics.classifier import load_or_train

    source = dataset
    if variant and variant != dataset.name:
        from bench.data import load_dataset

        source = load_dataset({"name": variant, "resolution": dataset.shape[-1]})
        if source.shape != dataset.shape:
            raise ValueError(f"classifier:{variant} sees images of shape {source.shape}, the data are {dataset.shape}")
    model, info = load_or_train(source, cache_dir, device)
    return LoadedExtractor(model, f"classifier:{source.name}@{info['sha256'][:8]}", info["sha256"], "none", info)


def _build_inception(dataset, variant: Optional[str], *, cache_dir, device, options) -> LoadedExtractor:
    from bench.metrics.cache import file_sha256
    from bench.metrics.inception import load_inception

    module, info = load_inception(options.get("inception_path"), options.get("resize_mode"), device)
    if variant and variant != info["source"]:
        raise ValueError(f"inception:{variant} requested but {info['path']} holds {info['source']} weights")
    sha = file_sha256(info["path"])
    return LoadedExtractor(module, f"inception:{info['source']}@{sha[:8]}", sha, info["resize_mode"], info)


FEATURE_EXTRACTORS.add("classifier", FeatureExtractorEntry(
    _build_classifier, "small CNN trained once per dataset by bench (128-d features, class probabilities)", True))
FEATURE_EXTRACTORS.add("inception", FeatureExtractorEntry(
    _build_inception, "FID Inception-v3 pool3 (2048-d), TorchScript weights from fid-helper or clean-fid; "
    "class probabilities (1008 classes) with clean-fid's file only", None))


def resolve_name(spec: str, dataset, options: Optional[dict] = None) -> tuple[str, Optional[str]]:
    """``spec`` → (registered name, variant); resolves ``auto``; unknown names raise
    :class:`~bench.registry.UnknownNameError`."""
    if spec == "auto":
        from bench.metrics.inception import weights_available

        from bench.data import DATASETS

        preferred = DATASETS.get(dataset.name).extractor if dataset.name in DATASETS else "auto"
        if preferred != "auto":
            return resolve_name(preferred, dataset, options)
        if weights_available((options or {}).get("inception_path")):
            return "inception", None
        if dataset.labels is not None:
            return "classifier", None
        return "inception", None  # raises with instructions when built
    name, _, variant = spec.partition(":")
    return FEATURE_EXTRACTORS.canonical(name), (variant or None)


def build_extractor(spec: str, dataset, *, cache_dir=None, device: str = "cpu",
                    options: Optional[dict] = None) -> LoadedExtractor:
    """Build the extractor named ``spec`` for ``dataset`` (see module doc)."""
    name, variant = resolve_name(spec, dataset, options)
    return FEATURE_EXTRACTORS.get(name).build(dataset, variant, cache_dir=cache_dir, device=device,
                                              options=options or {})
