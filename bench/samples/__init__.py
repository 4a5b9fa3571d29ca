"""Sample grids of a trial: fixed latents (:mod:`.latents`), PNG rendering (:mod:`.render`) and
the ``samples/<trial_id>/`` files on the results' storage (:mod:`.store`)."""

from bench.samples.latents import fixed_latents
from bench.samples.store import sample_name, sample_steps, write_evaluation_samples

__all__ = ["fixed_latents", "sample_name", "sample_steps", "write_evaluation_samples"]
