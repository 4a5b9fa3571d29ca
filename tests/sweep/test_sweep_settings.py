"""A resumed sweep keeps the Ray Tune settings it started with (Tuner.restore takes no new
tune_config or run_config) and warns about each one given differently now."""

from __future__ import annotations

from bench.store.location import Location
from bench.layout import SETTINGS_FILE
from bench.sweep.settings import resumed_settings, save_settings

STARTED = {"cpu": 1.0, "gpu": 0.25, "max_concurrent": None, "retries": 2}


def test_resume_keeps_the_saved_settings_and_warns_about_each_change(tmp_path, capsys):
    location = Location.of(tmp_path)
    save_settings(location, STARTED, SETTINGS_FILE)
    now = {"cpu": 4.0, "gpu": 0.25, "max_concurrent": 8, "retries": 2}
    assert resumed_settings(location, now, SETTINGS_FILE, overridden=True) == STARTED
    err = capsys.readouterr().err
    assert "resuming keeps cpu = 1 " in err and "--cpus-per-trial / resources.cpu = 4 is ignored" in err
    assert "resuming keeps max_concurrent = unset" in err and "--max-concurrent / resources.max_concurrent = 8" in err
    assert "gpu" not in err and "retries" not in err and "--restart" in err


def test_same_settings_resume_quietly(tmp_path, capsys):
    location = Location.of(tmp_path)
    save_settings(location, STARTED, SETTINGS_FILE)
    assert resumed_settings(location, dict(STARTED), SETTINGS_FILE, overridden=False) == STARTED
    assert capsys.readouterr().err == ""


def test_a_sweep_without_saved_settings_warns_only_when_overrides_are_given(tmp_path, capsys):
    location = Location.of(tmp_path)
    assert resumed_settings(location, STARTED, SETTINGS_FILE, overridden=False) == STARTED
    assert capsys.readouterr().err == ""
    resumed_settings(location, STARTED, SETTINGS_FILE, overridden=True)
    assert "may be ignored" in capsys.readouterr().err
