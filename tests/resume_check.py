"""A trial stopped at a checkpoint and resumed from it ends bit-identical to an uninterrupted one."""

from __future__ import annotations

from typing import Callable

import pytest
import torch

from bench.train import Trainer


class Stop(Exception):
    pass


def assert_resumes_bit_identically(tmp_path, make_config: Callable[[], dict], data: torch.Tensor, stop_at: int,
                                   evaluate_fn, **trainer_args) -> Trainer:
    """Train ``make_config()`` through, then again killed after the checkpoint at ``stop_at`` and
    resumed from it in a fresh trainer; G, D and the history must match exactly.  Returns the
    uninterrupted trainer."""
    full = Trainer(make_config(), data, **trainer_args)
    full.run(evaluate_fn)

    def checkpoint(t):
        torch.save(t.state_dict(), tmp_path / "state.pt")
        if t.step == stop_at:
            raise Stop

    with pytest.raises(Stop):
        Trainer(make_config(), data, **trainer_args).run(evaluate_fn, on_checkpoint=checkpoint)
    resumed = Trainer(make_config(), data, **trainer_args)
    resumed.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True))
    assert resumed.step == stop_at
    resumed.run(evaluate_fn)
    for name in ("G", "D"):
        for (k, a), b in zip(getattr(full, name).state_dict().items(), getattr(resumed, name).state_dict().values()):
            assert torch.equal(a, b), (name, k)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]  # noqa: E731
    assert strip(full.history) == strip(resumed.history)
    return full
