"""Result storage: Parquet rows per trial, and the loader that reads them as one DataFrame."""

from bench.store.io import load_results, load_summaries, write_trial_rows, write_trial_summary

__all__ = ["load_results", "load_summaries", "write_trial_rows", "write_trial_summary"]
