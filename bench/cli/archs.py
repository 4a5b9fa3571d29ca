"""``bench archs``: sample, freeze and inspect architecture catalogues.

    bench archs sample --n 150 --seed 0 [--space bogonet] [--resolution 32] [--channels 3] --out FILE
    bench archs show FILE [ID] [--resolution R] [--channels C] [--loss NAME]
    bench archs spaces [NAME]

``sample`` writes N distinct specs as JSON lines; the same arguments always give a byte-identical
file.  ``show`` lists a catalogue (one line per architecture with parameter counts) or, given an
id, prints that architecture layer by layer; ``--loss`` counts and prints D with the head that
loss declares (one logit, an embedding, or the auto-encoder of BEGAN/EBGAN).  ``spaces`` lists the declared spaces and knobs.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("archs", help="sample, freeze and inspect architecture catalogues")
    commands = parser.add_subparsers(dest="archs_command", required=True)

    sample = commands.add_parser("sample", help="sample N architectures from a declared space into a JSONL file")
    sample.add_argument("--n", type=int, required=True, help="number of distinct architectures")
    sample.add_argument("--seed", type=int, required=True, help="sampling seed")
    sample.add_argument("--space", default="bogonet", help="space name (see `bench archs spaces`)")
    sample.add_argument("--resolution", type=int, default=None, help="image side for the parameter budget")
    sample.add_argument("--channels", type=int, default=None, help="image channels for the parameter budget")
    sample.add_argument("--out", required=True, help="output JSON-lines file")

    show = commands.add_parser("show", help="summarize a catalogue, or one architecture layer by layer")
    show.add_argument("file", help="JSON-lines catalogue")
    show.add_argument("id", nargs="?", default=None, help="architecture id to print in detail")
    show.add_argument("--resolution", type=int, default=None, help="image side (default: the catalogue's)")
    show.add_argument("--channels", type=int, default=None, help="image channels (default: the catalogue's)")
    show.add_argument("--loss", default=None,
                      help="count and print D with the head this loss declares (e.g. began: the auto-encoder)")

    spaces = commands.add_parser("spaces", help="list the declared architecture spaces and their knobs")
    spaces.add_argument("name", nargs="?", default=None, help="one space to print in full")

    parser.set_defaults(func=run)
    return parser


def _data_shape(space_or_family_shape: tuple, resolution: int | None, channels: int | None) -> tuple:
    shape = tuple(space_or_family_shape)
    if len(shape) != 3 or (resolution is None and channels is None):
        return shape
    return (channels or shape[0], resolution or shape[1], resolution or shape[2])


def _sample(args) -> int:
    from bench.arch.catalogue import write_catalogue
    from bench.arch.sampler import sample_specs
    from bench.arch.space import SPACES

    from bench.outputs import file_problem

    problem = file_problem(args.out)
    if problem:
        raise ValueError(f"--out: {problem}")
    space = SPACES.get(args.space)
    shape = _data_shape(space.data_shape, args.resolution, args.channels)
    specs = sample_specs(space, args.n, args.seed, shape)
    provenance = {"space": SPACES.canonical(args.space), "seed": args.seed, "data_shape": list(shape)}
    path = write_catalogue(args.out, specs, provenance)
    print(f"wrote {len(specs)} architectures from space {provenance['space']!r} (seed {args.seed}, "
          f"budget checked at {shape}) to {path}")
    return 0


def _catalogue_shape(path) -> tuple | None:
    import json

    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    shape = json.loads(first).get("data_shape") if first.strip() else None
    return tuple(shape) if shape else None


def _head(loss_name: str | None) -> tuple[int, str]:
    """(D's output size, D's output kind) of ``loss_name``'s default parameters; a logit without one."""
    if loss_name is None:
        return 1, "logit"
    from bench.losses import LOSSES

    loss = LOSSES.get(loss_name)
    return loss.output_dim({}), loss.d_output


def _show(args) -> int:
    from bench.arch.catalogue import read_catalogue
    from bench.arch.family import FAMILIES
    from bench.arch.summary import layer_plan, one_line

    specs = read_catalogue(args.file)
    head = _head(args.loss)
    default = {"image": (3, 32, 32), "points": (2,)}
    stored = _catalogue_shape(args.file)
    if args.id is not None:
        matches = [spec for spec in specs if spec.id == args.id]
        if not matches:
            print(f"error: no architecture {args.id!r} in {args.file} ({len(specs)} architectures)", file=sys.stderr)
            return 2
        spec = matches[0]
        shape = _data_shape(stored or default[FAMILIES.get(spec.family).data_kind], args.resolution, args.channels)
        print(layer_plan(spec, shape, *head))
        return 0
    for spec in specs:
        shape = _data_shape(stored or default[FAMILIES.get(spec.family).data_kind], args.resolution, args.channels)
        print(one_line(spec, shape, *head))
    print(f"{len(specs)} architectures")
    return 0


def _spaces(args) -> int:
    from bench.arch.space import SPACES

    names = [SPACES.canonical(args.name)] if args.name else SPACES.names()
    for name in names:
        space = SPACES.get(name)
        budget = "none" if space.max_params is None else f"≤ {space.max_params:,} parameters per network"
        print(f"{name} (family {space.family}, {space.size():,} combinations, budget {budget} at {space.data_shape})")
        print(f"  {space.description}\n  source: {space.reference}")
        if args.name:
            for knob, choices in space.knobs.items():
                print(f"  {knob:<16} {', '.join(map(str, choices))}")
    return 0


def run(args) -> int:
    from bench.registry import UnknownNameError

    handlers = {"sample": _sample, "show": _show, "spaces": _spaces}
    try:
        return handlers[args.archs_command](args)
    except (ValueError, UnknownNameError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m bench.cli.archs ...``) with the same arguments."""
    parser = argparse.ArgumentParser(prog="bench")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["archs", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
