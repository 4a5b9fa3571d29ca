"""The YAML dialect of suite files: PyYAML's safe loader and dumper, with YAML 1.2 floats."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from bench.suite.schema import Suite


class SuiteLoader(yaml.SafeLoader):
    """PyYAML's safe loader that also reads ``2e-4`` and ``1.0e6`` as floats, as YAML 1.2 does
    (PyYAML follows YAML 1.1: a float needs a dot and a signed exponent, else it is a string)."""


class SuiteDumper(yaml.SafeDumper):
    """Quotes the strings :class:`SuiteLoader` would read as floats (a name ``1e5``)."""


for _cls in (SuiteLoader, SuiteDumper):
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
        list("-+0123456789."))


def dump_suite(suite: "Suite") -> str:
    """The suite as YAML that reads back to the same values (the results folder's suite.yaml)."""
    return yaml.dump(suite.model_dump(mode="json"), Dumper=SuiteDumper, sort_keys=False)
