"""Reports: a self-contained HTML page per run (map, timeline, Monte Carlo charts), a
comparison page for two runs, and PNG figures for papers.

The engine never imports this package; it reads a run folder's files and rebuilds the world
from the scenario file kept there.
"""

from kamae.report.comparison import build_comparison
from kamae.report.footprints import RangeRing
from kamae.report.png import export_figures
from kamae.report.run_report import build_report

__all__ = ["RangeRing", "build_comparison", "build_report", "export_figures"]
