"""What a benchmark ran on: CPU model and cores, torch threads, GPU (if any), library versions."""

from __future__ import annotations

import os
import platform
from importlib import metadata

import torch

from bench.sweep.provenance import LIBRARIES  # one list: a benchmark reports what every result row records


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def machine_info(device: str) -> dict:
    """A flat description of the machine and software the figures were measured on."""
    info = {
        "cpu": cpu_model(),
        "cpu_cores": os.cpu_count() or 1,
        "torch_threads": torch.get_num_threads(),
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan"),
        "platform": platform.platform(),
        "device": device,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none",
        "cuda": torch.version.cuda or "none",
    }
    info.update({f"version_{k}": v for k, v in versions().items()})
    return info
