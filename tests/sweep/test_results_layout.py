"""The results folder's names have one owner, bench.layout: no other module of bench/ spells
one of them (a string constant that is such a name, a path built from one, or a message naming
one), and the trial status values have one owner, bench.store.schema."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bench import layout
from bench.store.schema import STATUSES

REPO = Path(__file__).resolve().parents[2]
OWNERS = {"bench/layout.py"}
# Names no other concept of bench uses: any mention in a string is one of the layout's.
DISTINCT = [layout.GRID_FILE, layout.PLUGINS_FILE, layout.SUITE_FILE, layout.SETTINGS_FILE, layout.REPAIR_DIR,
            layout.TUNE_SEARCH_DIR, layout.LOCK_FILE, layout.JOURNAL_FILE, layout.SPEC_FILE, layout.ROUNDS_FILE,
            layout.MLFLOW_DB, layout.MLFLOW_ARTIFACTS_DIR, layout.STATE_FILE, layout.MANIFEST_FILE,
            layout.TUNE_STATE_PREFIX, layout.CHECKPOINT_PREFIX, layout.ROUND_PREFIX]
# Plain words ("rows" is also a kill point, "samples" a suite key): flagged where they name a path.
WORDS = {layout.ROWS_DIR, layout.SUMMARIES_DIR, layout.LOGS_DIR, layout.SAMPLES_DIR, layout.TUNE_DIR,
         layout.SEARCH_DIR, layout.REPORT_DIR, layout.WANDB_DIR}
PATH_CALLS = {"path", "exists", "is_dir", "is_file", "files", "read_text", "write_text", "write_bytes", "remove",
              "join", "joinpath", "glob", "rglob", "startswith"}
# a prefix is a name only before what is not a word (``checkpoint_000004``, not ``checkpoint_every``)
DISTINCT_RE = re.compile("|".join(re.escape(name) + ("(?![a-z])" if name.endswith(("_", "-")) else "")
                                  for name in DISTINCT))
# a plain word names a folder as ``rows/`` at the end of a path or before a space (not ``samples/G``, a tag)
WORD_PATH_RE = re.compile(rf"(?<![\w.-])({'|'.join(re.escape(w) for w in WORDS)})/(?=$|[\s);,`'])")


def bench_modules():
    for path in sorted((REPO / "bench").rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        if name not in OWNERS:
            yield name, ast.parse(path.read_text(), name)


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            found.add(id(body[0].value))
    return found


def path_words(tree: ast.AST) -> list[ast.Constant]:
    """Constants of WORDS used as a path part: ``x / "rows"``, ``location.path("rows", …)``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found += [n for n in (node.left, node.right) if isinstance(n, ast.Constant)]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in PATH_CALLS:
                found += [n for n in node.args if isinstance(n, ast.Constant)]
    return [n for n in found if isinstance(n.value, str) and n.value in WORDS]


def test_no_module_but_the_layout_spells_a_results_name():
    found = []
    for name, tree in bench_modules():
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                if DISTINCT_RE.search(node.value) or WORD_PATH_RE.search(node.value):
                    found.append(f"{name}:{node.lineno} {node.value!r}")
        found += [f"{name}:{n.lineno} {n.value!r}" for n in path_words(tree)]
    assert found == []


def test_restart_removes_every_sweep_output_and_keeps_the_lock():
    written = {layout.GRID_FILE, layout.PLUGINS_FILE, layout.SUITE_FILE, layout.ROWS_DIR, layout.SUMMARIES_DIR,
               layout.LOGS_DIR, layout.SAMPLES_DIR, layout.TUNE_DIR, layout.REPAIR_DIR, layout.SETTINGS_FILE,
               layout.SEARCH_DIR, layout.TUNE_SEARCH_DIR}
    assert set(layout.RESTART_REMOVES) == written and layout.LOCK_FILE not in layout.RESTART_REMOVES


def status_literals(tree: ast.AST) -> list[ast.Constant]:
    """Constants of STATUSES compared with (``s == "ok"``, ``s in ("diverged", "error")``) or stored
    as a status (``x.status = "ok"``, ``{"status": "error"}``, ``status="ok"``)."""
    def constants(node):
        items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
        return [n for n in items if isinstance(n, ast.Constant) and n.value in STATUSES]

    def is_status(target):
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        return name.endswith("status")

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                found += constants(operand)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(is_status(t) for t in targets) and node.value is not None:
                found += constants(node.value)
        elif isinstance(node, ast.Dict):
            found += [c for k, v in zip(node.keys, node.values)
                      if isinstance(k, ast.Constant) and k.value == "status" for c in constants(v)]
        elif isinstance(node, ast.keyword) and node.arg == "status":
            found += constants(node.value)
    return found


def test_no_module_but_the_schema_spells_a_trial_status():
    found = [f"{name}:{n.lineno} {n.value!r}" for name, tree in bench_modules() if name != "bench/store/schema.py"
             for n in status_literals(tree)]
    assert found == []
