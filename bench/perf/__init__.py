"""Performance figures of the harness (``bench perf``): trainer overhead, evaluation cost, Ray
per-trial cost, GPU packing and precision options, and a cost model for full studies.

One module per job: :mod:`machine` (what it ran on), :mod:`timing` (interleaved repeats),
:mod:`workload` (the quickstart trial configs), :mod:`overhead`, :mod:`evaluation`,
:mod:`ray_trials`, :mod:`gpu`, :mod:`cost` and :mod:`figures` (assembles and prints them).
"""
