"""Requests no cluster can serve, refused up front instead of waiting for ever.

Ray Tune queues a trial whose resources no node offers and waits silently (a GPU share on a
machine without a GPU, 64 CPUs per trial on 2 cores), and ``ray.init(address=...)`` keeps retrying
when nothing listens there.  These pure checks turn both into one clear message (exit 2).
"""

from __future__ import annotations

import socket

from bench.sweep.settings import SOURCES

RESOURCE_KEYS = {"cpu": "CPU", "gpu": "GPU"}


def resource_problem(settings: dict, cluster: dict, origin: str | None = None) -> str | None:
    """Why a trial asking ``settings['cpu']`` CPUs and ``settings['gpu']`` GPUs cannot run on a
    cluster whose ``ray.cluster_resources()`` are ``cluster``, or None.  ``origin``: the file the
    settings were restored from (a resumed sweep keeps the settings it started with)."""
    missing = []
    for key, ray_key in RESOURCE_KEYS.items():
        asked, has = float(settings.get(key) or 0), float(cluster.get(ray_key, 0))
        if asked > has:
            missing.append(f"{SOURCES[key]} asks for {asked:g} {ray_key} per trial, but the Ray cluster has "
                           + (f"{has:g}" if has else f"no {ray_key}"))
    if not missing:
        return None
    where = (f" These settings were saved in {origin} when the sweep started and are kept on resume: "
             "start over with --restart (discards its results) or use --results DIR."
             if origin else "")
    return "; ".join(missing) + " (no trial could ever start)." + where


def address_problem(address: str | None, timeout_s: float) -> str | None:
    """Why no Ray cluster answers at ``address`` (``host:port`` or ``ray://host:port``), or None.
    A TCP connection is tried for at most ``timeout_s`` seconds; ``auto`` and ``local`` are left
    to Ray, which fails at once when it finds no cluster."""
    if not address or address in ("auto", "local"):
        return None
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return f"--address {address!r}: expected 'auto' or host:port (e.g. 10.0.0.1:6379)"
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            return None
    except OSError as exc:
        reason = "timed out" if isinstance(exc, socket.timeout) else (exc.strerror or str(exc))
        return (f"--address {address}: no Ray cluster answers there ({reason} after at most {timeout_s:g} s); "
                "start one with `ray start --head` or check the address")
