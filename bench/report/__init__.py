"""``bench report``: the leaderboard with honest statistics, figures and a self-contained HTML page.

Methods are ranked within blocks of architecture × seed (Kodali et al. 2017, BogoNet), compared
with the Friedman test and a Nemenyi critical-difference analysis (Demšar 2006), summarised with
bootstrap intervals, and — for hyperparameter searches — with budget curves (Lucic et al. 2018).
"""

from bench.report.build import ReportSummary, build_report

__all__ = ["ReportSummary", "build_report"]
