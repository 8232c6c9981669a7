"""Writing reports: the HTML page and the PNG charts, atomically.

Every file is written to a temporary file beside its target and moved into place with
:func:`os.replace`, so a reader never sees half a report, and a failed run leaves the
previous report as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from instc._errors import DataError
from instc.reports.charts import unit_label

if TYPE_CHECKING:
    from instc.network.model import Network
    from instc.reports.content import ReportContent, ScenarioSection
    from instc.routing.results import RouteOption
    from instc.scenarios.diff import ODPair
    from instc.scenarios.schema import Scenario

__all__ = [
    "CHART_FILES",
    "check_output_dir",
    "check_output_file",
    "render_report",
    "write_atomic",
    "write_charts",
    "write_report",
]

CHART_FILES = ("timeline.png", "families.png")
# (west, south, east, north): the Caspian, the Caucasus and northern Iran
CASPIAN_BBOX = (37.0, 33.5, 63.5, 48.5)


def check_output_file(path: str | Path) -> Path:
    """``path`` if a file can be written there; else :class:`DataError` saying why."""
    from instc._files import check_output_file as check

    return check(path, option="--out")


def check_output_dir(path: str | Path) -> Path:
    """``path`` as a folder to write charts into (created when its parent exists)."""
    from instc._files import check_output_dir as check
    from instc._files import write_error

    folder = check(path, option="--out")
    if not folder.exists():
        try:
            folder.mkdir()
        except OSError as exc:
            raise write_error(folder, exc, option="--out") from None
    return folder


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and :func:`os.replace`.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", b"hello").read_bytes()
    b'hello'
    >>> sorted(p.name for p in folder.iterdir())  # no temporary file left behind
    ['a.txt']
    """
    target = check_output_file(path)
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise DataError(
            f"{target}: cannot write in {target.parent} ({exc.strerror}) — choose another --out"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise DataError(
            f"{target}: could not write ({exc.strerror}) — choose another --out"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def render_report(content: ReportContent, *, title: str = "INSTC corridor report") -> str:
    """The HTML page for ``content`` (map, charts and tables rendered inline)."""
    from instc.reports.charts import family_figure, figure_svg, timeline_figure
    from instc.reports.html import render_html
    from instc.reports.svgmap import corridor_map_svg

    route = f"{content.origin_name} → {content.destination_name}"
    labels = content.comparison.short_labels
    scenario_maps = [_scenario_map_svg(section, labels) for section in content.scenarios]
    return render_html(
        content,
        title=title,
        scenario_map_svgs=scenario_maps,
        map_svg=corridor_map_svg(
            content.network,
            content.comparison.options,
            content.family_colours,
            title=f"Corridor map: {route}",
        ),
        detail_map_svg=corridor_map_svg(
            content.network,
            content.comparison.options,
            content.family_colours,
            bbox=CASPIAN_BBOX,
            title=f"Corridor map, Caspian region: {route}",
            legends=False,
            label_kinds=("port", "border"),
        ),
        family_chart_svg=figure_svg(family_figure(content.comparison), name="family-svg"),
        timeline_chart_svg=figure_svg(
            timeline_figure(content.timeline, events=content.timeline_events, as_of=content.as_of),
            name="timeline-svg",
        ),
    )


# before: sky blue, after: vermillion (Okabe–Ito)
BEFORE_AFTER_COLOURS = ("#56B4E9", "#D55E00")


def _scenario_map_svg(section: ScenarioSection, family_labels: Mapping[str, str]) -> str:
    """The changed pair's best route before and after, over the scenario's network."""
    import dataclasses

    from instc.reports.svgmap import corridor_map_svg, extent_of

    if section.highlight_routes is None or section.network_after is None:
        return ""
    before, after = section.highlight_routes
    labelled = (
        dataclasses.replace(
            before,
            family=f"before-{before.family}",
            family_label=_label("before", before, family_labels),
        ),
        dataclasses.replace(
            after,
            family=f"after-{after.family}",
            family_label=_label("after", after, family_labels),
        ),
    )
    return corridor_map_svg(
        section.network_after,
        labelled,
        BEFORE_AFTER_COLOURS,
        bbox=extent_of(labelled),
        width_px=900.0,
        title=f"Scenario {section.scenario.name}: best route before and after",
        legend_title="Best route",
    )


def _label(when: str, option: RouteOption, family_labels: Mapping[str, str]) -> str:
    t = option.totals
    family = family_labels.get(option.family or "", option.family or "no corridor family")
    unit = unit_label(option.unit)
    return (
        f"{when}: {family} — {t.cost_usd:,.0f} USD, {t.time_days:,.1f} d, "
        f"{t.co2e_kg:,.0f} kg CO2e per {unit}"
    )


def write_report(
    network: Network,
    path: str | Path,
    *,
    scenarios: Sequence[Scenario | str] = (),
    origin: str | None = None,
    destination: str | None = None,
    cargo: str = "container",
    by: str = "cost",
    pairs: Sequence[ODPair] | None = None,
    title: str = "INSTC corridor report",
) -> Path:
    """Build the HTML report on ``network`` and write it atomically to ``path``.

    See :func:`instc.reports.content.collect_report` for the options. The output path is
    checked before any work, so a bad ``--out`` fails at once.
    """
    from instc.reports.content import DEFAULT_DESTINATION, DEFAULT_ORIGIN, collect_report

    target = check_output_file(path)
    content = collect_report(
        network,
        scenarios=scenarios,
        origin=origin or DEFAULT_ORIGIN,
        destination=destination or DEFAULT_DESTINATION,
        cargo=cargo,
        by=by,
        pairs=pairs,
    )
    return write_atomic(target, render_report(content, title=title).encode("utf-8"))


def write_charts(
    network: Network,
    folder: str | Path,
    *,
    origin: str | None = None,
    destination: str | None = None,
    cargo: str = "container",
    by: str = "cost",
    dpi: int = 150,
) -> tuple[Path, ...]:
    """Write the charts alone as PNG files into ``folder`` (created if needed):
    ``timeline.png`` (project timeline) and ``families.png`` (family comparison)."""
    from instc.reports.charts import (
        family_figure,
        figure_png,
        party_events,
        timeline_figure,
        timeline_segments,
    )
    from instc.reports.content import DEFAULT_DESTINATION, DEFAULT_ORIGIN
    from instc.routing.compare import compare

    out = check_output_dir(folder)
    comparison = compare(
        network, origin or DEFAULT_ORIGIN, destination or DEFAULT_DESTINATION, cargo=cargo, by=by
    )
    first = comparison.options[0]
    unit = unit_label(first.unit)
    title = f"{first.legs[0].from_name.split(',')[0]} → {first.legs[-1].to_name}, per {unit}"
    timeline = timeline_figure(
        timeline_segments(network), events=party_events(network), as_of=network.as_of
    )
    timeline_png = figure_png(timeline, dpi=dpi)
    families_png = figure_png(family_figure(comparison, title=title), dpi=dpi)
    return (
        write_atomic(out / CHART_FILES[0], timeline_png),
        write_atomic(out / CHART_FILES[1], families_png),
    )
