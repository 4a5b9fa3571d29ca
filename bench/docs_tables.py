"""The documentation's axis tables, rendered from the registries' metadata.

Each table of ``docs/`` that lists an axis (losses, regularizers, metrics, feature extractors,
datasets, architecture spaces, the knobs of each architecture family) is generated here from what
the entries register — formula, paper, defaults, direction, aliases — so the site cannot drift
from the code.  A page marks a generated block as::

    <!-- generated: losses -->
    ...table...
    <!-- end generated -->

:func:`fill_blocks` rewrites such blocks (``python scripts/docs_tables.py`` does it for every page),
:func:`stale_blocks` lists the ones that differ from the registries (the MkDocs hook
``docs/hooks.py`` fails the build on them and ``tests/docs/test_docs_site.py`` checks every page).
Every function here is pure: registries in, Markdown out.
"""

from __future__ import annotations

import inspect
import re
from typing import Callable, Iterable

BLOCK = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def cell(value: object) -> str:
    """A table cell: pipes escaped, newlines flattened; an empty value is an em dash."""
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") if text else "—"


def code(value: object) -> str:
    """Inline code (so ``_`` and ``*`` in formulas are not Markdown emphasis); pipes escaped."""
    return f"`{value}`".replace("|", "\\|")


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A Markdown pipe table; cells are used as given (see :func:`cell`, :func:`code`)."""
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def named(registry, name: str) -> str:
    """``name`` in code, with its aliases in parentheses."""
    aliases = registry.aliases(name)
    return code(name) + (f" ({', '.join(aliases)})" if aliases else "")


def default_text(value: object) -> str:
    """A parameter default as a suite would write it: ``true``, ``0.5``, ``1, 2, 4``, ``unset``."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ", ".join(default_text(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def parameters(fns: Iterable[Callable | None], names: tuple[str, ...]) -> str:
    """``name`` (default) for each parameter in ``names``, defaults read from the functions' signatures."""
    defaults: dict[str, object] = {}
    for fn in fns:
        if fn is None:
            continue
        for pname, p in inspect.signature(fn).parameters.items():
            if p.default is not inspect.Parameter.empty:
                defaults.setdefault(pname, p.default)
    parts = [f"{code(n)} ({default_text(defaults[n])})" if n in defaults else code(n) for n in names]
    return ", ".join(parts) or "—"


D_OUTPUTS = {"logit": "logit (B,)", "embedding": "embedding (B, k)", "autoencoder": "auto-encoder (reconstruction)"}


def loss_table() -> str:
    """Losses: name (aliases), formula, paper, D's output, parameters."""
    from bench.losses import LOSSES

    rows = []
    for name, loss in LOSSES.own_items():
        output = D_OUTPUTS.get(loss.d_output, loss.d_output)
        if loss.g_needs_real:
            output += "; G step needs D(x)"
        rows.append([named(LOSSES, name), code(loss.formula), cell(loss.paper), output,
                     parameters([loss.discriminator, loss.generator], loss.param_names())])
    return table(["name", "formula (D and G minimise)", "paper", "D output", "parameters (default)"], rows)


def regularizer_table() -> str:
    """Regularizers: name (aliases), penalty, paper, default weight, D outputs, parameters."""
    from bench.regularizers import REGULARIZERS

    rows = []
    for name, reg in REGULARIZERS.own_items():
        weight = f"{reg.default_weight:g}" if reg.penalty is not None else "— (no penalty)"
        rows.append([named(REGULARIZERS, name), code(reg.formula), cell(reg.paper), weight,
                     ", ".join(reg.d_outputs), parameters([reg.penalty, reg.after_d_step], reg.param_names())])
    return table(["name", "penalty (`weight` ×) or action", "paper", "default weight", "D outputs", "parameters (default)"],
                 rows)


DIRECTIONS = {True: "higher", False: "lower", None: "not ranked (a target value)"}


def metric_table() -> str:
    """Metrics: name, what it measures, direction, data kind, smallest image side, reference."""
    from bench.metrics import METRICS

    rows = [[named(METRICS, name), cell(m.description), DIRECTIONS[m.higher_is_better], m.data_kind,
             f"{m.min_resolution}×{m.min_resolution}" if m.min_resolution else "any", cell(m.reference)]
            for name, m in METRICS.own_items()]
    return table(["name", "what it measures", "better", "data", "smallest image", "reference"], rows)


def extractor_table() -> str:
    """Feature extractors: name, description, whether it gives class probabilities (for IS)."""
    from bench.metrics.features import FEATURE_EXTRACTORS

    probs = {True: "yes", False: "no", None: "depends on the weights"}
    rows = [[named(FEATURE_EXTRACTORS, name), cell(e.description), probs[e.has_class_probs]]
            for name, e in FEATURE_EXTRACTORS.own_items()]
    return table(["name", "what it is", "class probabilities (for `is`)"], rows)


def dataset_table() -> str:
    """Datasets: name, kind, description, default resolution, whether it needs ``path``."""
    from bench.data import DATASETS

    rows = [[named(DATASETS, name), entry.kind, cell(entry.description),
             str(entry.default_resolution) if entry.kind == "image" else f"— ({entry.point_dim}-D points)",
             "yes" if entry.needs_path else "no (embedded)"]
            for name, entry in DATASETS.own_items()]
    return table(["name", "kind", "what", "default resolution", "needs `path`"], rows)


def shape_text(shape: tuple) -> str:
    return "×".join(map(str, shape))


def space_table() -> str:
    """Declared architecture spaces: name, family, description, parameter budget, reference."""
    from bench.arch.space import SPACES

    rows = []
    for name, space in SPACES.own_items():
        budget = f"≤ {space.max_params:,} per network at {shape_text(space.data_shape)}" if space.max_params else "none"
        rows.append([named(SPACES, name), space.family, cell(space.description), budget,
                     f"{space.size():,}", cell(space.reference)])
    return table(["space", "family", "what it is", "parameter budget", "knob combinations", "reference"], rows)


def knob_table(family: str) -> str:
    """Knobs of one architecture family: meaning, what the builder supports, default, each space's choices."""
    from bench.arch.family import FAMILIES
    from bench.arch.space import SPACES

    entry = FAMILIES.get(family)
    spaces = [(name, space) for name, space in SPACES.own_items() if space.family == family]
    rows = []
    for knob, domain in entry.all_domains().items():
        default = entry.defaults.get(knob, "—")
        rows.append([code(knob), cell(domain.doc), cell(domain.describe()), cell(default),
                     *[cell(", ".join(map(str, space.knobs[knob])) if knob in space.knobs else f"{default} (not drawn)")
                       for _, space in spaces]])
    return table(["knob", "meaning", "supported", "default", *[f"`{name}`" for name, _ in spaces]], rows)


def column_table() -> str:
    """Core columns of the result rows: name, arrow type, role (where declared), meaning.

    Reads ``CORE_COLUMNS`` as name → (type, description) or (type, role, description).
    """
    from bench.store.schema import CORE_COLUMNS

    with_role = any(len(entry) == 3 for entry in CORE_COLUMNS.values())
    rows = []
    for name, entry in CORE_COLUMNS.items():
        role = [entry[1]] if with_role and len(entry) == 3 else ([""] if with_role else [])
        rows.append([code(name), str(entry[0]), *[cell(r) for r in role], cell(entry[-1])])
    return table(["column", "type", *(["role"] if with_role else []), "meaning"], rows)


TABLES: dict[str, Callable[[], str]] = {
    "columns": column_table,
    "losses": loss_table,
    "regularizers": regularizer_table,
    "metrics": metric_table,
    "extractors": extractor_table,
    "datasets": dataset_table,
    "spaces": space_table,
    "knobs-conv": lambda: knob_table("conv"),
    "knobs-mlp": lambda: knob_table("mlp"),
    "knobs-dirac": lambda: knob_table("dirac"),
}


def render(name: str) -> str:
    """The generated table called ``name``; an unknown name lists the valid ones."""
    if name not in TABLES:
        raise KeyError(f"unknown generated table {name!r}; valid: {', '.join(TABLES)}")
    return TABLES[name]()


def fill_blocks(text: str) -> str:
    """``text`` with every generated block replaced by its current table."""
    return BLOCK.sub(lambda m: m.group(1) + render(m.group(2)) + m.group(4), text)


def stale_blocks(text: str) -> list[str]:
    """Names of the generated blocks of ``text`` whose content differs from the registries."""
    return [m.group(2) for m in BLOCK.finditer(text) if m.group(3) != render(m.group(2))]
