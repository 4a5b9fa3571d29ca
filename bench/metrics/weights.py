"""Obtaining weights files bench does not ship: a registry of files and a verified download.

``bench weights fetch [NAME]`` (see :mod:`bench.cli.weights`) downloads a registered file into
bench's cache, ``$BENCH_CACHE/weights`` (default ``~/.cache/bench/weights``):

- **atomically**: bytes go to ``.NAME.part`` beside the target and reach the final name only by
  ``os.replace`` after every check passed, so a reader never sees a partial file;
- **resumably**: an existing ``.part`` is continued with an HTTP ``Range: bytes=N-`` request (a
  server answering 200 instead of 206 restarts the file); a connection that closes early is
  retried from where it stopped, up to ``attempts`` times, and otherwise left for the next run;
- **checked**: the size (the registered one, else the server's Content-Length / Content-Range
  total) and the SHA-256 (the registered one or ``--sha256``); a file that fails the SHA-256 check
  is deleted and reported; a registered ``verify`` function (for the Inception file: the class head
  must reproduce ``base(img, no_output_bias=True)``, :func:`bench.metrics.inception.class_head`)
  runs before the rename as well;
- the URL is overridable (``--url``), e.g. for a mirror or a local server.

The one entry today is clean-fid's / StyleGAN2-ADA's ``inception-2015-12-05.pt`` (the only FID
Inception file with the 1008-class head IS needs; :mod:`bench.metrics.inception` owns its name,
URL and check).  No SHA-256 or size is pinned for it: without ``--sha256`` the download is checked
against the server's length and by ``verify``, and its SHA-256 is printed (and recorded in every
result row's ``feature_extractor`` label).
"""

from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bench.metrics.cache import CHUNK, file_sha256, weights_dir
from bench.metrics.inception import CLEAN_FID_FILE, CLEAN_FID_URL, check_clean_fid_file
from bench.registry import Registry


@dataclass(frozen=True)
class WeightsFile:
    filename: str
    url: str
    description: str
    size: Optional[int] = None  # bytes; None: not pinned (the server's length is checked)
    sha256: Optional[str] = None  # hex; None: not pinned
    verify: Optional[Callable[[Path], None]] = None  # raises ValueError for a wrong file


class DownloadError(RuntimeError):
    """A download that did not produce a verified file; the message says what to do."""


WEIGHTS: Registry[WeightsFile] = Registry("weights file")
WEIGHTS.add("inception", WeightsFile(
    filename=CLEAN_FID_FILE,
    url=CLEAN_FID_URL,
    description="FID Inception-v3 with the 1008-class head (clean-fid / StyleGAN2-ADA TorchScript): FID, KID and IS",
    verify=check_clean_fid_file,
), aliases=("inception-2015-12-05",))


def cached(name: str, cache_dir=None) -> Optional[Path]:
    """The cached file of entry ``name`` if it has been fetched, else None."""
    path = weights_dir(cache_dir) / WEIGHTS.get(name).filename
    return path if path.is_file() else None


def offline_help(entry: WeightsFile, target: Path, url: str) -> str:
    return (f"On a machine with internet access download {url} and copy it to {target} "
            f"(bench's cache), or give its path in the suite (`evaluation: {{inception_path: PATH}}`) or in "
            "the BENCH_INCEPTION environment variable; `bench weights fetch --url URL` takes a mirror.")


def _total_size(response, offset: int) -> Optional[int]:
    """The full file size the server announces (Content-Range total, else offset + Content-Length)."""
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("Content-Length")
    return offset + int(length) if length and length.isdigit() else None


def _transfer(url: str, part: Path, timeout: float) -> Optional[int]:
    """Append the rest of ``url`` to ``part`` (Range request when it holds bytes); returns the
    announced total size.  Raises OSError / http.client errors when the connection breaks."""
    offset = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if offset and response.status != 206:  # the server ignored the range: start over
            offset = 0
        total = _total_size(response, offset)
        with open(part, "ab" if offset else "wb") as handle:
            for block in iter(lambda: response.read(CHUNK), b""):
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
    return total


def fetch(name: str = "inception", **options) -> Path:
    """Download the registered entry ``name`` into the cache (:func:`fetch_file`)."""
    return fetch_file(WEIGHTS.get(name), **options)


def fetch_file(entry: WeightsFile, *, url: Optional[str] = None, sha256: Optional[str] = None,
               size: Optional[int] = None, cache_dir=None, attempts: int = 3, timeout: float = 60.0) -> Path:
    """Download ``entry`` into the cache (see module doc); returns the verified file's path.
    An already cached file is returned as it is (after the SHA-256 check, when one is known)."""
    url, sha256, size = url or entry.url, (sha256 or entry.sha256 or "").lower() or None, size or entry.size
    target = weights_dir(cache_dir) / entry.filename
    if target.is_file() and (sha256 is None or file_sha256(target) == sha256):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{entry.filename}.part")
    total, error = size, None
    for _ in range(max(1, attempts)):
        if total is not None and part.exists() and part.stat().st_size >= total:
            break
        try:
            announced = _transfer(url, part, timeout)
            total = total or announced
            got = part.stat().st_size
            if total is None or got >= total:
                break
            error = f"the server closed the connection after {got} of {total} bytes"
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and part.exists():  # nothing left past the bytes we hold
                break
            raise DownloadError(f"cannot download {url}: HTTP {exc.code} {exc.reason}. "
                                f"{offline_help(entry, target, url)}") from None
        except urllib.error.URLError as exc:
            raise DownloadError(f"cannot reach {url} ({exc.reason}). {offline_help(entry, target, url)}") from None
        except (http.client.HTTPException, ConnectionError, socket.timeout) as exc:
            error = f"the download broke off ({type(exc).__name__}: {exc})"
    got = part.stat().st_size if part.exists() else 0
    if total is not None and got != total:
        if got > total:
            part.unlink()
            raise DownloadError(f"{url} sent {got} bytes, more than the expected {total}; the file was removed")
        raise DownloadError(f"{error or 'incomplete download'}: {got} of {total} bytes are in {part}; "
                            "run `bench weights fetch` again to resume")
    _check(part, entry, url, sha256)
    os.replace(part, target)
    return target


def _check(part: Path, entry: WeightsFile, url: str, sha256: Optional[str]) -> None:
    """SHA-256 and the entry's own check; a file failing either is deleted and reported."""
    digest = file_sha256(part)
    if sha256 is not None and digest != sha256:
        part.unlink()
        raise DownloadError(f"corrupt download from {url}: SHA-256 {digest} ≠ expected {sha256}; "
                            "the file was removed — run `bench weights fetch` again")
    if entry.verify is not None:
        try:
            entry.verify(part)
        except (ValueError, RuntimeError) as exc:
            part.unlink()
            raise DownloadError(f"the file from {url} failed its check ({exc}); it was removed") from None
