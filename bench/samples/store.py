"""A trial's sample files on the results' storage (a local folder or a URI, bench.store.location)::

    samples/<trial_id>/step_0000200.png      G at evaluation step 200
    samples/<trial_id>/step_0000200_ema.png  its EMA (when training.ema > 0)

Image data: a grid of ``evaluation.samples`` images of G from the trial's fixed latents
(:func:`bench.samples.latents.fixed_latents`).  2-D points: a scatter of the evaluation's own
generated points (``Trainer.generate``, the points the mode metrics count) over the true modes
with their 3σ circles.  Files are written atomically at every evaluation of a healthy G (before
its row), so a resumed trial rewrites the steps it recomputes with the same bytes on the CPU.
"""

from __future__ import annotations

import re

import torch

from bench.layout import SAMPLES_DIR
from bench.samples.latents import fixed_latents
from bench.samples.render import image_grid_png, points_png
from bench.store.location import Location
from bench.store.schema import STATUS_OK
_NAME = re.compile(r"^step_(\d+)(_ema)?\.png$")


def sample_name(step: int, ema: bool = False) -> str:
    return f"step_{int(step):07d}{'_ema' if ema else ''}.png"


@torch.inference_mode()
def generate_grid(generator: torch.nn.Module, spec, seed: int, n: int, device) -> torch.Tensor:
    """G's images on the trial's first ``n`` fixed latents, G in eval mode (restored after)."""
    z = fixed_latents(seed, spec.z_dim, spec.prior, n).to(device)
    was_training = generator.training
    generator.eval()
    try:
        return torch.cat([generator(z[i:i + 256]).float().cpu() for i in range(0, n, 256)])
    finally:
        generator.train(was_training)


def render_samples(trainer, generator: torch.nn.Module, n: int, mixture: dict | None) -> bytes:
    """The PNG of one generator of ``trainer`` at its current step."""
    if trainer.data.ndim == 2:  # 2-D points: the evaluation's points over the modes
        if mixture is None:
            raise ValueError("2-D samples need the mixture's centers and std")
        return points_png(trainer.generate(generator), mixture["centers"], mixture["std"], title=f"step {trainer.step}")
    return image_grid_png(generate_grid(generator, trainer.spec, trainer.trial.seed, n, trainer.device))


def write_evaluation_samples(results: str | Location, trial_id: str, trainer, n: int,
                             mixture: dict | None = None) -> list[str]:
    """Write the sample files of ``trainer``'s current step (nothing when ``n`` is 0 or G is not
    healthy); returns the written paths."""
    if n <= 0 or trainer.status != STATUS_OK:
        return []
    location = Location.of(results)
    written = [location.write_bytes(render_samples(trainer, trainer.G, n, mixture),
                                    SAMPLES_DIR, trial_id, sample_name(trainer.step))]
    if trainer.G_ema is not None:
        written.append(location.write_bytes(render_samples(trainer, trainer.G_ema, n, mixture),
                                            SAMPLES_DIR, trial_id, sample_name(trainer.step, ema=True)))
    return written


def sample_steps(results: str | Location, trial_id: str, *, ema: bool = False) -> dict[int, str]:
    """Step → path of the trial's sample files (G's, or the EMA's), in step order."""
    location = Location.of(results)
    found = {}
    for path in location.files(f"{SAMPLES_DIR}/{trial_id}", ".png"):
        match = _NAME.match(path.rsplit("/", 1)[-1])
        if match and bool(match.group(2)) == ema:
            found[int(match.group(1))] = path
    return dict(sorted(found.items()))


def read_sample(results: str | Location, path: str) -> bytes:
    """The bytes of a sample file listed by :func:`sample_steps`."""
    location = Location.of(results)
    with location.fs.open_input_stream(path) as handle:
        return handle.read()
