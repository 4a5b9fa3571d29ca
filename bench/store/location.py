"""Where a sweep's results live: a local folder (the default), a shared-filesystem path, or any
URI pyarrow understands (``s3://bucket/prefix``, ``gs://…``, ``hdfs://…``, ``file:///…``).

A :class:`Location` is a pyarrow filesystem plus a root path in it.  Local folders (and
``file://`` URIs) are written atomically (dot-named temporary, fsync, ``os.replace``); other
filesystems are written with one ``open_output_stream`` per file, which object stores commit
atomically when the stream closes.  Ray Tune gets the same filesystem and root as its storage.
"""

from __future__ import annotations

import os
import posixpath
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs


def is_uri(location: str | os.PathLike) -> bool:
    return isinstance(location, str) and "://" in location


def normalize(location: str | os.PathLike) -> str | Path:
    """A URI stays a string (``file://`` URIs become local paths); a path becomes absolute."""
    if is_uri(location):
        if str(location).startswith("file://"):
            return Path(pafs.FileSystem.from_uri(str(location))[1])
        return str(location).rstrip("/")
    return Path(location).expanduser().resolve()


@dataclass(frozen=True)
class Location:
    fs: pafs.FileSystem
    root: str  # a path inside ``fs``
    text: str  # as the user wrote it (for messages)

    @classmethod
    def of(cls, location: "str | os.PathLike | Location") -> "Location":
        if isinstance(location, Location):
            return location
        location = normalize(location)
        if isinstance(location, Path):
            return cls(pafs.LocalFileSystem(), str(location), str(location))
        fs, root = pafs.FileSystem.from_uri(location)
        return cls(fs, root.rstrip("/"), location)

    @property
    def local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts) if parts else self.root

    def __str__(self) -> str:
        return self.text

    # --- files --------------------------------------------------------------------------------
    def exists(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    def is_dir(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.path(*parts)).type == pafs.FileType.Directory

    def read_bytes(self, *parts: str) -> bytes:
        with self.fs.open_input_stream(self.path(*parts)) as handle:
            return handle.read()

    def read_text(self, *parts: str) -> str:
        return self.read_bytes(*parts).decode()

    def write_bytes(self, data: bytes, *parts: str, before_replace=None) -> str:
        """Replace the file atomically (readers never see a partial file).  ``before_replace()``, a
        test hook, runs when the temporary file is written but not yet renamed (local only)."""
        target = self.path(*parts)
        parent = posixpath.dirname(target)
        if self.local:
            os.makedirs(parent, exist_ok=True)
            tmp = posixpath.join(parent, f".{posixpath.basename(target)}.{uuid.uuid4().hex}.tmp")
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if before_replace is not None:
                before_replace()
            os.replace(tmp, target)
        else:
            self.fs.create_dir(parent, recursive=True)
            with self.fs.open_output_stream(target) as handle:
                handle.write(data)
        return target

    def write_text(self, text: str, *parts: str) -> str:
        return self.write_bytes(text.encode(), *parts)

    def files(self, folder: str, suffix: str = "") -> list[str]:
        """Paths of the files directly in ``folder`` ending in ``suffix``, skipping ``.``/``_`` names."""
        if not self.is_dir(folder):
            return []
        infos = self.fs.get_file_info(pafs.FileSelector(self.path(folder), recursive=False))
        return sorted(i.path for i in infos if i.type == pafs.FileType.File and i.base_name.endswith(suffix)
                      and not i.base_name.startswith((".", "_")))

    def remove(self, *parts: str) -> None:
        """Delete a file or a folder tree if it exists."""
        info = self.fs.get_file_info(self.path(*parts))
        if info.type == pafs.FileType.Directory:
            self.fs.delete_dir(info.path)
        elif info.type == pafs.FileType.File:
            self.fs.delete_file(info.path)
