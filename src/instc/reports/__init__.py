"""Reports: the self-contained HTML report (map, charts, scenario tables, sources) and
the charts as PNG files.

>>> import instc.reports
>>> sorted(instc.reports.__all__)[:3]
['ReportContent', 'collect_report', 'corridor_map_svg']

Names are imported lazily (PEP 562): ``import instc.reports`` loads neither matplotlib
nor the dataset.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instc.reports.build import render_report, write_atomic, write_charts, write_report
    from instc.reports.charts import family_figure, timeline_figure, timeline_segments
    from instc.reports.content import ReportContent, collect_report
    from instc.reports.svgmap import corridor_map_svg

__all__ = [
    "ReportContent",
    "collect_report",
    "corridor_map_svg",
    "family_figure",
    "render_report",
    "timeline_figure",
    "timeline_segments",
    "write_atomic",
    "write_charts",
    "write_report",
]

_WHERE = {
    "ReportContent": "instc.reports.content",
    "collect_report": "instc.reports.content",
    "corridor_map_svg": "instc.reports.svgmap",
    "family_figure": "instc.reports.charts",
    "render_report": "instc.reports.build",
    "timeline_figure": "instc.reports.charts",
    "timeline_segments": "instc.reports.charts",
    "write_atomic": "instc.reports.build",
    "write_charts": "instc.reports.build",
    "write_report": "instc.reports.build",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'instc.reports' has no attribute {name!r}")
