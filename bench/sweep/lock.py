"""One driver per results folder: ``bench run`` holds an exclusive ``flock`` on
``<results>/.bench-run.lock`` while it runs.

A second ``bench run`` on the same folder is refused (:class:`SweepLocked`, exit 2) naming the
holder (pid, host, start time, as the holder wrote them into the file).  The kernel releases a
``flock`` when its holder dies, SIGKILL included, so a killed driver never leaves the folder
stuck; the file itself stays (dot-named: readers skip it).  Ray's daemons do not inherit the
descriptor (Python opens it close-on-exec).  ``flock`` works on local file systems and on NFS v4
(Linux emulates it with byte-range locks there); on an object-store URI (``s3://…``) there is
nothing to lock: bench warns that it cannot keep a second driver out.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
from contextlib import contextmanager
from datetime import datetime, timezone

from bench.layout import LOCK_FILE
from bench.store.location import Location
from bench.sweep.folder import SweepConflict


class SweepLocked(SweepConflict):
    """Another driver holds the results folder."""


@contextmanager
def driver_lock(location: Location):
    """Hold the folder's lock for the ``with`` block; raise :class:`SweepLocked` if another driver
    holds it.  A folder this call had to create, and that holds nothing but the lock file when the
    block fails, is removed again (bad input writes nothing)."""
    if not location.local:
        print(f"bench: warning: {location} is not a local or mounted folder, so bench cannot lock it: "
              "make sure no other `bench run` drives it", file=sys.stderr, flush=True)
        yield
        return
    created = not os.path.isdir(location.root)
    os.makedirs(location.root, exist_ok=True)
    path = os.path.join(location.root, LOCK_FILE)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 512, 0).decode(errors="replace").strip() or "a process that wrote no details"
        os.close(fd)
        raise SweepLocked(f"{location} is in use by another `bench run` ({holder}): wait for it to end or stop it, "
                          f"or use --results DIR (the lock {path} is released as soon as that driver exits, even "
                          "when it is killed)") from None
    ok = False
    try:
        os.ftruncate(fd, 0)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode(), 0)
        yield
        ok = True
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        if created and not ok and os.listdir(location.root) == [LOCK_FILE]:
            os.remove(path)
            os.rmdir(location.root)
