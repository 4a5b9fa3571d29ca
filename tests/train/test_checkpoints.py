"""Checkpoints: complete trainer state, verified on load, a corrupt or truncated one falls back to
the previous checkpoint (or a clean restart) and says so; checkpoint_every is honoured."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
import torch
from ray import tune

from bench.sweep.checkpoints import CorruptCheckpoint, read_checkpoint, restore_state, write_checkpoint
from bench.train import Trainer
from tests.train.test_trainer import IMAGES, config, no_metrics


def trained(steps: int) -> Trainer:
    trainer = Trainer(config(steps=steps, ema=0.9), IMAGES)
    trainer.run(no_metrics)
    return trainer


def tune_checkpoints(tmp_path, *states) -> list:
    """Checkpoint folders laid out as Ray Tune stores a trial's (checkpoint_000000, ...)."""
    out = []
    for i, state in enumerate(states):
        folder = tmp_path / "trial" / f"checkpoint_{i:06d}"
        folder.mkdir(parents=True)
        write_checkpoint(state, str(folder))
        out.append(tune.Checkpoint.from_directory(str(folder)))
    return out


def test_state_holds_every_part_of_the_trainer():
    state = trained(4).state_dict()
    assert {"G", "D", "opt_g", "opt_d", "G_ema", "step", "d_steps", "history", "acc", "grad_norms", "rng"} <= set(state)
    assert {"torch", "numpy", "python"} <= set(state["rng"])
    assert "cuda" not in state["rng"]  # a CPU trial; a GPU trial saves its own device's CUDA generator
    assert state["opt_g"]["state"] and state["G_ema"] is not None and len(state["history"]) == 2


def test_checkpoint_every_is_honoured_and_the_final_step_is_always_saved():
    cfg = config(steps=7, checkpoint_every=3)
    cfg["evaluation"]["every"] = 2
    saved = []
    Trainer(cfg, IMAGES).run(no_metrics, on_checkpoint=lambda t: saved.append(t.step))
    assert saved == [3, 6, 7]


def test_verified_round_trip_and_each_kind_of_damage_is_named(tmp_path):
    state = trained(4).state_dict()
    folder = tmp_path / "ck"
    folder.mkdir()
    write_checkpoint(state, str(folder))
    assert read_checkpoint(str(folder))["step"] == 4
    data = (folder / "trainer.pt").read_bytes()
    (folder / "trainer.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptCheckpoint, match="truncated"):
        read_checkpoint(str(folder))
    (folder / "trainer.pt").write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    with pytest.raises(CorruptCheckpoint, match="SHA-256"):
        read_checkpoint(str(folder))
    (folder / "manifest.json").unlink()
    with pytest.raises(CorruptCheckpoint, match="manifest.json is missing"):
        read_checkpoint(str(folder))


def test_a_truncated_latest_checkpoint_falls_back_to_the_previous_one_and_resumes_exactly(tmp_path):
    full = trained(6)
    first = Trainer(config(steps=6, ema=0.9), IMAGES)
    states = []
    first.run(no_metrics, on_checkpoint=lambda t: states.append(copy.deepcopy(t.state_dict())) if t.step in (2, 4) else None)
    older, latest = tune_checkpoints(tmp_path, *states)
    damaged = tmp_path / "trial" / "checkpoint_000001" / "trainer.pt"
    damaged.write_bytes(damaged.read_bytes()[:1000])  # a write cut short

    messages: list[str] = []
    state = restore_state(latest, messages.append)
    assert state["step"] == 2
    assert "checkpoint_000001 rejected" in messages[0] and "truncated" in messages[0]
    assert "falling back to the previous checkpoint" in messages[1] and "checkpoint_000000" in messages[1]

    resumed = Trainer(config(steps=6, ema=0.9), IMAGES)
    resumed.load_state_dict(state)
    resumed.run(no_metrics)
    for name in ("G", "D", "G_ema"):
        for (k, va), vb in zip(getattr(full, name).state_dict().items(), getattr(resumed, name).state_dict().values()):
            assert torch.equal(va, vb), (name, k)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]
    assert strip(full.history) == strip(resumed.history)


def test_with_every_checkpoint_damaged_the_trial_restarts_cleanly_and_says_so(tmp_path):
    state = trained(2).state_dict()
    older, latest = tune_checkpoints(tmp_path, state, state)
    for name in ("checkpoint_000000", "checkpoint_000001"):
        (tmp_path / "trial" / name / "trainer.pt").write_bytes(b"not a checkpoint")
    messages: list[str] = []
    assert restore_state(latest, messages.append) is None
    assert len(messages) == 3 and "restarting the trial from step 0" in messages[-1]
    assert restore_state(None, messages.append) is None and len(messages) == 3


def test_a_manifest_without_its_size_is_rejected_and_the_previous_checkpoint_used(tmp_path):
    state = trained(2).state_dict()
    older, latest = tune_checkpoints(tmp_path, state, state)
    manifest = tmp_path / "trial" / "checkpoint_000001" / "manifest.json"
    entries = json.loads(manifest.read_text())
    del entries["bytes"]
    manifest.write_text(json.dumps(entries))
    with pytest.raises(CorruptCheckpoint, match="no valid `bytes`"):
        read_checkpoint(str(manifest.parent))
    messages: list[str] = []
    assert restore_state(latest, messages.append)["step"] == 2
    assert "checkpoint_000001 rejected" in messages[0] and "bytes" in messages[0]
    assert "falling back to the previous checkpoint" in messages[1]


def test_a_missing_checkpoint_folder_falls_back_and_a_missing_trial_folder_restarts(tmp_path):
    state = trained(2).state_dict()
    older, latest = tune_checkpoints(tmp_path, state, state)
    shutil.rmtree(tmp_path / "trial" / "checkpoint_000001")
    messages: list[str] = []
    assert restore_state(latest, messages.append)["step"] == 2
    assert "checkpoint_000001 rejected: the checkpoint folder is missing" in messages[0]
    assert "checkpoint_000000" in messages[1]

    shutil.rmtree(tmp_path / "trial")  # e.g. storage lost the whole trial folder
    messages.clear()
    assert restore_state(latest, messages.append) is None
    assert "folder is missing" in messages[0] and "restarting the trial from step 0" in messages[-1]


class FakeCuda:
    """torch.cuda as seen on a node with ``count`` GPUs, the trial's being ``current``."""

    def __init__(self, monkeypatch, count: int, current: int = 0):
        self.installed: list[tuple] = []
        self.count, self.current = count, current
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "current_device", lambda: self.current)
        monkeypatch.setattr(torch.cuda, "get_rng_state", self.get)
        monkeypatch.setattr(torch.cuda, "get_rng_state_all", lambda: [self.get(i) for i in range(self.count)])
        monkeypatch.setattr(torch.cuda, "set_rng_state", lambda s, d="cuda": self.installed.append((int(s[0]), d)))

    def get(self, device="cuda"):
        device = torch.device(device, self.current) if isinstance(device, int) else torch.device(device)
        index = self.current if device.index is None else device.index
        assert index < self.count, "no such GPU"
        return torch.tensor([index], dtype=torch.uint8)


def test_cuda_rng_state_is_the_trial_devices_only_and_restores_with_fewer_gpus(monkeypatch):
    from bench.train.seeding import rng_state, set_rng_state

    cuda = FakeCuda(monkeypatch, count=4, current=2)
    state = rng_state("cuda")
    assert int(state["cuda"][0]) == 2 and "cuda" not in rng_state("cpu")
    cuda.count, cuda.current = 1, 0  # restored on a node (or under CUDA_VISIBLE_DEVICES) with one GPU
    set_rng_state(state, "cuda")
    assert cuda.installed == [(2, torch.device("cuda"))]
    set_rng_state(state, "cpu")  # a CPU trial never touches the CUDA generator
    assert len(cuda.installed) == 1


def test_an_old_checkpoint_with_every_gpus_cuda_state_loads_when_it_can(monkeypatch):
    from bench.train.seeding import rng_state, set_rng_state

    cuda = FakeCuda(monkeypatch, count=2, current=1)
    old = {**rng_state("cpu"), "cuda": [torch.tensor([0], dtype=torch.uint8), torch.tensor([1], dtype=torch.uint8)]}
    set_rng_state(old, "cuda")
    assert cuda.installed == [(1, torch.device("cuda"))]  # this trial's device's entry
    old["cuda"] = old["cuda"][:1]
    with pytest.warns(UserWarning, match="none for cuda:1"):
        set_rng_state(old, "cuda")
    assert len(cuda.installed) == 1


def test_a_checkpoint_newer_than_tunes_is_preferred(tmp_path):
    """Tune's saved state named checkpoint_000000, but the trial went on to report (and verify)
    checkpoint_000002 before the driver died: resume from the newest verified one."""
    states = []
    first = Trainer(config(steps=6, ema=0.9), IMAGES)
    first.run(no_metrics, on_checkpoint=lambda t: states.append(copy.deepcopy(t.state_dict())))
    named, _, newest = tune_checkpoints(tmp_path, *states)
    messages: list[str] = []
    assert restore_state(named, messages.append)["step"] == 6
    assert "newer checkpoint than Tune's" in messages[0] and "checkpoint_000002" in messages[0]
    shutil.rmtree(tmp_path / "trial" / "checkpoint_000000")  # Tune kept two: the one it names is gone
    (tmp_path / "trial" / "checkpoint_000002" / "trainer.pt").write_bytes(b"cut short")
    messages.clear()
    assert restore_state(named, messages.append)["step"] == 4
    assert "checkpoint_000002 rejected" in messages[0] and "checkpoint_000001" in messages[1]
