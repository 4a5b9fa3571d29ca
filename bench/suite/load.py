"""Suite loading: YAML (with ``include:``) → validated :class:`Suite` → resolved architectures
and trial grid.  Everything is checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bench.arch.spec import ArchSpec
from bench.metrics import METRICS, ranked_metrics
from bench.metrics.evaluate import check_metrics
from bench.suite.bounds import limit_problem, value_problems
from bench.suite.chain import read_chain
from bench.suite.dialect import dump_suite
from bench.suite.errors import SuiteError, clip, field_path
from bench.suite.origin import Origins
from bench.suite.plugins import import_plugins
from bench.suite.schema import Suite
from bench.suite.trial import EvaluationConfig


@dataclass
class LoadedSuite:
    suite: Suite
    path: Path
    architectures: list[ArchSpec]
    trials: list  # list[bench.suite.grid.Trial]
    results_dir: Path | str  # a local folder, or a URI (see bench.store.location)
    origins: Origins  # which file of the include chain sets each field (errors, input paths)
    evaluation: EvaluationConfig  # the evaluation settings every trial gets, defaults resolved
    plugins: list = field(default_factory=list)  # list[bench.plugins.Plugin]: the suite's and --plugin's

    @property
    def planned_trials(self) -> int:
        """Trials the suite will run: the grid, or grid cells × search budget."""
        search = self.suite.search
        return len(self.trials) * (search.budget if search is not None else 1)


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model that sits at ``loc`` (for 'unknown key' messages)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        inner = field.annotation
        for candidate in (inner, *getattr(inner, "__args__", ())):
            for leaf in (candidate, *getattr(candidate, "__args__", ())):
                if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                    model = leaf
                    break
    return list(model.model_fields)


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in exc.errors():
        loc = err["loc"]
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(Suite, loc)
            message = f"unknown key {loc[-1]!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        else:
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] not in ("missing",) and "input" in err and not isinstance(err["input"], (dict, list)):
                message += f" (got {clip(repr(err['input']), 80)})"
        problems.append((field_path(loc), message))
    return problems


def parse_suite(path: str | Path, plugins: tuple[str, ...] = ()) -> Suite:
    """The validated suite; its ``plugins:`` and ``plugins`` (``--plugin``) are imported first."""
    return read_suite(path, plugins)[0]


def read_suite(path: str | Path, plugins: tuple[str, ...] = ()) -> tuple[Suite, list, Origins]:
    """(validated suite, loaded plugins, the file of each field): the plugins are imported before
    validation, so their names are known to every registry check and listed in unknown-name errors."""
    data, origins = read_chain(path)
    loaded = import_plugins(origins, data.get("plugins"), plugins)
    problems = value_problems(data)
    if problems:
        raise SuiteError.from_origins(origins, problems)
    try:
        return Suite.model_validate(data), loaded, origins
    except ValidationError as exc:
        raise SuiteError.from_origins(origins, validation_problems(exc)) from None


def check_semantics(suite: Suite, origins: Origins) -> list[tuple[str, str]]:
    """Checks that need more than one section, or the file system."""
    problems: list[tuple[str, str]] = []
    dataset = suite.dataset
    if dataset.path is not None and not dataset.download:
        problem = dataset_path_problem(dataset.name, dataset.path, origins.input_path("dataset.path", dataset.path))
        if problem:
            problems.append(("dataset.path", problem))
    kind = dataset.kind
    resolution = dataset.loader_args().get("resolution") if kind == "image" else None
    for i, name in enumerate(suite.evaluation.metrics or []):
        try:
            check_metrics([name], kind)
        except ValueError as exc:
            problems.append((f"evaluation.metrics[{i}]", f"{exc} (dataset {dataset.name!r} is {kind} data)"))
            continue
        try:
            check_metrics([name], kind, resolution)
        except ValueError as exc:
            problems.append((f"evaluation.metrics[{i}]", f"{exc}; dataset.resolution is {resolution}"))
    problems += search_problems(suite)
    evaluation = suite.evaluation
    if kind == "image" and evaluation.feature_extractor.startswith("inception"):
        from bench.metrics.inception import HELP, weights_available

        where = (str(origins.input_path("evaluation.inception_path", evaluation.inception_path))
                 if evaluation.inception_path else None)
        if not weights_available(where):
            field = "evaluation.inception_path" if where else "evaluation.feature_extractor"
            problems.append((field, (f"{where} is not a FID Inception file. " if where else "") + HELP))
    elif evaluation.inception_path or evaluation.resize_mode:
        problems.append(("evaluation", "`inception_path` and `resize_mode` apply to the inception feature extractor"))
    return problems


def dataset_path_problem(name: str, given: str, target: Path) -> str | None:
    """Why the data folder ``target`` (``given`` in the suite) cannot be read, or None (the
    dataset entry's ``path_problem`` says what its folder must hold)."""
    from bench.data import DATASETS

    entry = DATASETS.get(name)
    hint = " " + entry.help if entry.help else ""
    if not target.exists():
        return f"{given!r} does not exist (looked in {target}).{hint}"
    if not target.is_dir():
        return f"{given!r} is a file, not a folder ({target}).{hint}"
    problem = entry.path_problem(target) if entry.path_problem is not None else None
    return f"{given!r} {problem}" + (f".{hint}" if hint else "") if problem else None


def search_problems(suite: Suite) -> list[tuple[str, str]]:
    """A search's objective must be an evaluated metric; λ needs a method with a regularizer."""
    if suite.search is None:
        return []
    from bench.suite.grid import evaluation_config

    problems = []
    metrics = list(evaluation_config(suite).metrics)
    metric = suite.search.objective.metric
    if metric is not None and metric not in metrics:
        problems.append(("search.objective.metric",
                         f"{metric!r} is not one of the evaluated metrics ({', '.join(metrics)}); add it to evaluation.metrics"))
    elif metric is not None and not METRICS.get(metric).ranked:
        problems.append(("search.objective.metric",
                         f"{metric!r} has a target value, not a direction, and cannot be optimised; "
                         f"use one of {', '.join(ranked_metrics(metrics)) or 'the ranked metrics'}"))
    elif metric is None and not ranked_metrics(metrics):
        problems.append(("search.objective.metric",
                         f"none of the evaluated metrics ({', '.join(metrics)}) has a direction to optimise; name one"))
    if suite.search.space.weight is not None and all(m.regularizer.name == "none" for m in suite.method_list()):
        problems.append(("search.space.weight", "λ is searched but no method has a regularizer"))
    return problems


def load_suite(path: str | Path, *, results: str | Path | None = None, plugins: tuple[str, ...] = ()) -> LoadedSuite:
    """Parse, validate and expand a suite; raise :class:`SuiteError` naming file and field.
    ``plugins`` (``--plugin``) are imported with the suite's own ``plugins:`` before validation."""
    from bench.suite.grid import evaluation_config, expand_trials, load_architectures

    path = Path(path)
    suite, loaded_plugins, origins = read_suite(path, tuple(plugins))
    problems = check_semantics(suite, origins)
    architectures: list[ArchSpec] = []
    try:
        architectures = load_architectures(suite, lambda name: origins.input_path("architectures.catalogue", name))
    except (ValueError, KeyError, FileNotFoundError) as exc:
        problems.append(("architectures", str(exc).strip("'\"")))
    cells = len(architectures) * len(suite.method_list()) * len(suite.optimizer) * len(suite.seeds)
    too_many = limit_problem("trials", cells)
    if too_many:
        problems.append(("", f"architectures × methods × optimizer settings × seeds = {too_many}"))
    problems += latent_problems(suite, architectures) + head_problems(suite, architectures)
    if problems:
        raise SuiteError.from_origins(origins, problems)
    evaluation = evaluation_config(suite)
    trials = expand_trials(suite, architectures, evaluation)
    results_dir = _results_location(results) if results is not None else (
        resolve_results(path, suite.results) if suite.results else Path("results") / suite.name)
    return LoadedSuite(suite, path, architectures, trials, results_dir, origins, evaluation, loaded_plugins)


def latent_problems(suite: Suite, architectures: list[ArchSpec]) -> list[tuple[str, str]]:
    """Methods whose latent codes (InfoGAN) do not fit an architecture's z."""
    from bench.methods import latent_problem

    found = {latent_problem(m.regularizer.name, m.regularizer.params, spec.z_dim) + f" ({spec.id})"
             for m in suite.method_list() for spec in architectures
             if latent_problem(m.regularizer.name, m.regularizer.params, spec.z_dim)}
    return [("methods", problem) for problem in sorted(found)]


def head_problems(suite: Suite, architectures: list[ArchSpec]) -> list[tuple[str, str]]:
    """Methods that need more of D than one logit per sample — a loss with an MMD embedding or an
    auto-encoder D, a regularizer with an auxiliary head on D's features (InfoGAN, SS-GAN) —
    crossed with a family whose D is exactly one logit (``Family.one_logit``: dirac)."""
    from bench.arch import FAMILIES
    from bench.losses import LOSSES
    from bench.regularizers import REGULARIZERS

    one_logit = sorted({spec.family for spec in architectures if FAMILIES.get(spec.family).one_logit})
    if not one_logit:
        return []
    found, families = set(), f"the {', '.join(one_logit)} family's D has one logit"
    for method in suite.method_list():
        loss = LOSSES.get(method.loss.name)
        outputs = loss.output_dim(method.loss.params)
        if loss.d_output != "logit" or outputs != 1:
            head = "an auto-encoder D" if loss.d_output == "autoencoder" else f"a D of {outputs} outputs per sample"
            found.add(("losses", f"loss {method.loss.name!r} needs {head}; {families}"))
        if REGULARIZERS.get(method.regularizer.name).auxiliary is not None:
            found.add(("methods", f"regularizer {method.regularizer.name!r} attaches a head to D's features; "
                                  f"{families} and no features"))
    return sorted(found)


def _results_location(results: str | Path) -> Path | str:
    from bench.store.location import is_uri

    return str(results) if is_uri(results) else Path(results)


def resolve_results(suite_path: Path, name: str) -> Path | str:
    from bench.store.location import is_uri

    if is_uri(name):
        return name
    candidate = Path(name).expanduser()
    return candidate if candidate.is_absolute() else Path.cwd() / candidate


__all__: list[Any] = ["LoadedSuite", "load_suite", "parse_suite", "read_suite", "SuiteError",
                      "dump_suite"]  # dump_suite: the results folder's suite.yaml (bench.sweep)
