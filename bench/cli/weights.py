"""``bench weights``: list and download the weights files bench can use but does not ship.

    bench weights list
    bench weights fetch [NAME] [--url URL] [--sha256 HEX] [--size BYTES] [--cache-dir DIR]

``fetch`` (default NAME: ``inception``, clean-fid's ``inception-2015-12-05.pt`` with the class head
IS needs) downloads into bench's cache atomically and resumably, with size and SHA-256 checks
(:mod:`bench.metrics.weights`); afterwards the ``inception`` feature extractor finds the file
without an ``inception_path``.  Exit status 2 with the reason when the download fails.
"""

from __future__ import annotations

import sys


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("weights", help="list or download weights files (Inception for FID/KID/IS)")
    commands = parser.add_subparsers(dest="weights_command", required=True)
    commands.add_parser("list", help="registered weights files and whether they are cached")
    fetch = commands.add_parser("fetch", help="download a weights file into bench's cache (verified, resumable)")
    fetch.add_argument("name", nargs="?", default="inception", help="registered file (default: inception)")
    fetch.add_argument("--url", default=None, help="download from this URL instead (a mirror, a local server)")
    fetch.add_argument("--sha256", default=None, help="expected SHA-256 (hex) of the file")
    fetch.add_argument("--size", type=int, default=None, help="expected size in bytes")
    fetch.add_argument("--cache-dir", default=None, help="cache root (default: $BENCH_CACHE or ~/.cache/bench)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from bench.metrics.cache import file_sha256, weights_dir
    from bench.metrics.weights import WEIGHTS, DownloadError, cached, fetch
    from bench.registry import UnknownNameError

    if args.weights_command == "list":
        for name, entry in WEIGHTS.items():
            path = cached(name)
            print(f"{name:<12} {entry.filename:<28} {'cached at ' + str(path) if path else 'not cached'}")
            print(f"{'':<12} {entry.description}\n{'':<12} {entry.url}")
        return 0
    try:
        path = fetch(args.name, url=args.url, sha256=args.sha256, size=args.size, cache_dir=args.cache_dir)
    except UnknownNameError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{path} ({path.stat().st_size:,} bytes, SHA-256 {file_sha256(path)})")
    print(f"cache: {weights_dir(args.cache_dir)}")
    return 0
