"""Regenerate the registry tables of the documentation pages, or check that they are current.

    python scripts/docs_tables.py           # rewrite every <!-- generated: NAME --> block under docs/
    python scripts/docs_tables.py --check   # exit 1 and name the stale blocks, writing nothing

The same file is the MkDocs hook (``hooks:`` in mkdocs.yml): ``on_page_markdown`` fails the build
when a page's generated block differs from the registries (see :mod:`bench.docs_tables`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.docs_tables import fill_blocks, stale_blocks  # noqa: E402


def on_page_markdown(markdown: str, *, page, config, files) -> str:
    """MkDocs hook: refuse a page whose generated tables are stale (or name an unknown table)."""
    from mkdocs.exceptions import PluginError

    try:
        stale = stale_blocks(markdown)
    except KeyError as exc:
        raise PluginError(f"{page.file.src_path}: {exc.args[0]}") from None
    if stale:
        raise PluginError(f"{page.file.src_path}: generated tables out of date: {', '.join(stale)}; "
                          "run `python scripts/docs_tables.py`")
    return markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale blocks (exit 1 if any)")
    args = parser.parse_args(argv)
    stale = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text()
        names = stale_blocks(text)
        if not names:
            continue
        stale += [f"{page.relative_to(ROOT)}: {name}" for name in names]
        if not args.check:
            page.write_text(fill_blocks(text))
    for line in stale:
        print(("stale " if args.check else "updated ") + line)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
