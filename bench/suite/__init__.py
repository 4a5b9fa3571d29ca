"""Suites: YAML → validated :class:`Suite` → trial grid."""

from bench.suite.errors import SuiteError
from bench.suite.grid import Trial, expand_trials
from bench.suite.labels import method_label
from bench.suite.load import LoadedSuite, load_suite, parse_suite

__all__ = ["SuiteError", "Trial", "expand_trials", "method_label", "LoadedSuite", "load_suite", "parse_suite"]
