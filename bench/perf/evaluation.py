"""Cost of one evaluation at the suite's sample count, split into its three stages:

- generation: ``num_samples`` samples from G (``Trainer.generate``: batches of 1,000 under
  ``torch.inference_mode``, fixed evaluation latents);
- features: the extractor over the samples (``bench.metrics.context.extract``, batches of 500);
- distance: every metric of the suite on the extracted features (FID via float64 symmetric
  eigendecompositions, KID, IS, PRDC…), each also reported on its own.

The sample files an evaluation also writes (bench.samples) are timed apart: ``eval_samples_seconds``
and ``eval_samples_fraction`` (of ``eval_seconds``).

And the real-data reference: ``cold`` computes it (real features, mean, covariance, k-NN radii)
into an empty cache with the feature extractor already trained, ``warm`` loads it from the
cache as every trial does; ``extractor_train`` is the one-off training of the classifier
extractor on a completely empty cache.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.perf.timing import sync


def _reference_times(workload, cache_dir: Path, device: str) -> tuple[object, dict]:
    from bench.metrics.reference import build_reference

    def build():
        return build_reference(workload.dataset, workload.eval_cfg, cache_dir=cache_dir, device=device)

    t0 = time.perf_counter()
    build()  # empty cache: trains the extractor (when it is bench's classifier) and computes the statistics
    first = time.perf_counter() - t0
    shutil.rmtree(cache_dir / "reference")
    t0 = time.perf_counter()
    build()  # extractor cached, statistics computed
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = build()  # everything from the cache
    warm = time.perf_counter() - t0
    return reference, {"reference_cold_seconds": cold, "reference_warm_seconds": warm,
                       "extractor_train_seconds": max(first - cold, 0.0)}


def measure_evaluation(workload, *, device: str = "cpu", repeats: int = 3, trial_index: int = 0,
                       cache_dir: str | Path | None = None) -> dict:
    """Seconds of one evaluation (median of ``repeats``) and of its stages, per metric, plus the
    cold/warm reference figures.  ``cache_dir`` (default: a temporary folder) must start empty
    for the cold figures to mean anything."""
    from bench.metrics import METRICS
    from bench.metrics.context import EvalContext, extract
    from bench.train import Trainer

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(cache_dir) if cache_dir else Path(tmp)
        reference, out = _reference_times(workload, cache, device)
    config = workload.config(trial_index)
    metrics = list(config["evaluation"]["metrics"])
    trainer = Trainer(config, workload.dataset.x, device=device)
    num = reference.num_samples
    gen, feat, dist = [], [], []
    per_metric: dict[str, list[float]] = {m: [] for m in metrics}
    for _ in range(repeats):
        sync(device)
        t0 = time.perf_counter()
        samples = trainer.generate(trainer.G, num).detach().cpu().float()
        gen.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        features, probs = extract(reference.extractor, samples)
        feat.append(time.perf_counter() - t0)
        ctx = EvalContext(samples, reference, seed=config["seed"])
        ctx._cache.update(features=features, probs=probs)
        total = 0.0
        for name in metrics:
            t0 = time.perf_counter()
            METRICS.get(name).compute(ctx)
            spent = time.perf_counter() - t0
            per_metric[name].append(spent)
            total += spent
        dist.append(total)
    med = statistics.median
    out.update({
        "eval_seconds": med(gen) + med(feat) + med(dist),
        "eval_generation_seconds": med(gen),
        "eval_features_seconds": med(feat),
        "eval_distance_seconds": med(dist),
        "eval_num_samples": num,
        "eval_num_real": int(reference.features.shape[0]),
    })
    out.update({f"eval_metric_{name}_seconds": med(v) for name, v in per_metric.items()})
    out["feature_extractor"] = reference.feature_extractor
    out.update(samples_cost(workload, trainer, reference, repeats, out["eval_seconds"]))
    return out


def samples_cost(workload, trainer, reference, repeats: int, eval_seconds: float) -> dict:
    """Seconds to render and write one evaluation's sample files (``bench.samples``: G's grid of
    ``evaluation.samples`` images, or the 2-D scatter; to a temporary local folder), median of
    ``repeats``, and that as a fraction of the evaluation's seconds."""
    from bench.samples import write_evaluation_samples

    n = int(workload.suite.evaluation.samples)
    if n <= 0:
        return {"eval_samples_seconds": "not measured: evaluation.samples is 0"}
    spent = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeats):
            t0 = time.perf_counter()
            write_evaluation_samples(folder, "perf", trainer, n, reference.mixture)
            spent.append(time.perf_counter() - t0)
    seconds = statistics.median(spent)
    return {"eval_samples_seconds": seconds, "eval_samples_fraction": seconds / eval_seconds, "eval_samples_n": n}


def evaluations_per_trial(config: dict) -> int:
    """Evaluations a trial runs: every ``evaluation.every`` steps and at the end."""
    steps, every = int(config["training"]["steps"]), int(config["evaluation"]["every"])
    return steps // every + (1 if steps % every else 0)



def frechet_timing(dim: int, repeats: int = 1, seed: int = 0) -> dict:
    """Seconds of bench's Fréchet distance (two float64 ``eigh``) against ``scipy.linalg.sqrtm``
    (the pytorch-fid / clean-fid way) on random ``dim``-dimensional covariances, and their relative
    difference — why FID is computed by eigendecomposition (Inception features: dim 2048)."""
    import numpy as np
    import scipy.linalg

    from bench.metrics.frechet import frechet_distance

    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2 * dim, dim)), rng.standard_normal((2 * dim, dim))
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    mu1, mu2 = a.mean(0), b.mean(0)

    def sqrtm_fid():
        covmean = scipy.linalg.sqrtm(s1 @ s2)
        diff = mu1 - mu2
        return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))

    eigh_t, sqrtm_t, values = [], [], {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        values["eigh"] = frechet_distance(mu1, s1, mu2, s2)
        eigh_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        values["sqrtm"] = sqrtm_fid()
        sqrtm_t.append(time.perf_counter() - t0)
    return {"frechet_dim": dim, "frechet_eigh_seconds": statistics.median(eigh_t),
            "frechet_sqrtm_seconds": statistics.median(sqrtm_t),
            "frechet_rel_difference": abs(values["eigh"] - values["sqrtm"]) / abs(values["sqrtm"])}
