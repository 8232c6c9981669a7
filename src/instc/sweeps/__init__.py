"""instc.sweeps: many independent runs (scenarios × grids × Monte Carlo) on Dask.

Importing this package loads numpy only; Dask starts when :func:`run_sweep` needs it.
"""

from __future__ import annotations

from instc.sweeps.definition import SweepDefinition, load_sweep, parse_sweep
from instc.sweeps.runner import SweepError, SweepResult, SweepTask, make_tasks, run_sweep

__all__ = [
    "SweepDefinition",
    "SweepError",
    "SweepResult",
    "SweepTask",
    "load_sweep",
    "make_tasks",
    "parse_sweep",
    "run_sweep",
]
