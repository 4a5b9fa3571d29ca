"""Output paths checked before anything is written: the results folder of ``bench run``, the report
folder of ``bench report --out``, the catalogue file of ``bench archs sample --out``.

Each check returns why the path cannot be written, or None; the commands print it naming the
option or suite field and exit 2.  A local path is refused when it (or a parent) is a file, lies
under a system folder (``/proc``, ``/sys``, ``/dev``: ``/dev/null`` is not a folder), has a name
longer than the file system allows (``NAME_MAX``, usually 255 bytes) or a path longer than
``PATH_MAX``, or when the nearest existing folder is read-only.  A URI must use one of pyarrow's
filesystem schemes (:data:`URI_SCHEMES`); whether the bucket exists is for the filesystem to say.
"""

from __future__ import annotations

import os
from pathlib import Path

URI_SCHEMES = ("file", "local", "mock", "s3", "gs", "gcs", "hdfs", "viewfs", "abfs", "abfss")  # pyarrow.fs
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")
PATH_MAX = 4096


def folder_problem(target: str | os.PathLike) -> str | None:
    """Why ``target`` (a local folder or a URI) cannot be used as an output folder, or None."""
    text = str(target)
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme not in URI_SCHEMES:
            return f"unknown URI scheme {scheme + '://'!r} in {text!r}; pyarrow reads {', '.join(URI_SCHEMES)}"
        if scheme != "file":
            return None
        text = text[len("file://"):]
    path = Path(text).expanduser().absolute()
    if _exists(path) and not path.is_dir():
        return f"{path} is a file, not a folder"
    return _path_problem(path)


def file_problem(target: str | os.PathLike) -> str | None:
    """Why the local file ``target`` cannot be written (created or replaced), or None; a character
    device such as ``/dev/null`` is accepted."""
    path = Path(target).expanduser().absolute()
    if _exists(path) and path.is_dir():
        return f"{path} is a folder; give a file name (e.g. {path / 'catalogue.jsonl'})"
    if _exists(path) and path.is_char_device():  # /dev/null, /dev/stdout: a stream, written in place
        return None
    return _path_problem(path)


def _path_problem(path: Path) -> str | None:
    real = os.path.realpath(path)
    for folder in SYSTEM_FOLDERS:
        if real == folder or real.startswith(folder + "/"):
            return f"{path} is under the system folder {folder}, where bench writes nothing"
    existing = _nearest_existing(path)
    if not existing.is_dir() and existing != path:
        return f"{existing} is a file, so {path} cannot be created under it"
    name_max = _name_max(existing)
    for part in path.parts:
        if len(os.fsencode(part)) > name_max:
            return f"the name {part[:40]!r}… has {len(os.fsencode(part))} bytes; the file system allows {name_max}"
    if len(os.fsencode(str(path))) >= PATH_MAX:
        return f"the path has {len(os.fsencode(str(path)))} bytes; the file system allows {PATH_MAX - 1}"
    if os.statvfs(existing).f_flag & os.ST_RDONLY:
        return f"{existing} is on a read-only file system"
    if not os.access(existing, os.W_OK | (os.X_OK if existing.is_dir() else 0)):
        return f"{existing} is not writable"
    return None


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if _exists(candidate):
            return candidate
    return Path(path.anchor)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a name too long to stat
        return False


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255
