"""Charts of the report (matplotlib): the project timeline and the family comparison.

Each chart is a pure function of the data returning a matplotlib ``Figure``;
:func:`figure_svg` turns it into inline SVG for the HTML report and :func:`figure_png`
into PNG bytes for ``instc report --format png``. The non-interactive Agg backend is
used, so no display is needed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from instc.network.model import Network
    from instc.routing.compare import Comparison

__all__ = [
    "FAMILY_COLOURS",
    "STATUS_COLOURS",
    "PartyEvent",
    "TimelineSegment",
    "family_colour",
    "family_figure",
    "figure_png",
    "figure_svg",
    "party_events",
    "timeline_figure",
    "timeline_segments",
    "unit_label",
]

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
FAMILY_COLOURS = {
    "western_rail": "#0072B2",
    "western_road": "#56B4E9",
    "caspian_sea": "#009E73",
    "eastern_rail": "#E69F00",
    "suez": "#CC79A7",
    "cape": "#D55E00",
}
_SPARE_COLOURS = ("#332288", "#882255", "#44AA99", "#999933", "#AA4499", "#117733")
STATUS_COLOURS = {
    "planned": "#BBBBBB",
    "signed": "#B7A3D9",
    "ratified": "#8E72C2",
    "under_construction": "#E69F00",
    "open": "#009E73",
    "in_force": "#44AA99",
    "suspended": "#D55E00",
    "closed": "#555555",
}


def family_colour(family: str | None, order: Sequence[str] = ()) -> str:
    """The colour of a corridor family; families outside the palette get a spare one
    by their position in ``order``.

    >>> family_colour("suez")
    '#CC79A7'
    >>> family_colour("new_family", ["x", "new_family"])
    '#882255'
    """
    if family in FAMILY_COLOURS:
        return FAMILY_COLOURS[family]
    index = list(order).index(family) if family is not None and family in order else 0
    return _SPARE_COLOURS[index % len(_SPARE_COLOURS)]


@dataclass(frozen=True)
class TimelineSegment:
    """One status of one project over a period.

    ``start`` is the earliest date of the status row; ``start_latest`` its latest date
    when sources disagree (else equal to ``start``); ``end`` the start of the next
    status, or ``None`` when the status still holds at the end of the data.
    ``expected`` marks a forecast (basis ``expected``).
    """

    project_id: str
    project_name: str
    status: str
    start: dt.date
    start_latest: dt.date
    end: dt.date | None
    expected: bool
    source_ids: tuple[str, ...]


def timeline_segments(network: Network) -> tuple[TimelineSegment, ...]:
    """Every project's status periods from ``project_status`` (rows for all parties),
    in ``projects`` order; the periods of a project follow each other in time.

    The status holding at a date is the one :func:`instc.network.timeline.
    project_status_as_of` gives: a period starts at its row's earliest ``date``.
    """
    names = dict(zip(network.projects["project_id"], network.projects["name"], strict=True))
    rows: dict[str, list[tuple[dt.date, int, dict[Any, Any]]]] = {}
    for order, row in enumerate(network.project_status.to_dict("records")):
        if isinstance(row.get("party"), str) and row["party"]:
            continue
        rows.setdefault(row["project_id"], []).append((row["date"], order, row))
    out: list[TimelineSegment] = []
    for pid in network.projects["project_id"]:
        timeline = sorted(rows.get(pid, []), key=lambda item: item[:2])
        for i, (start, _, row) in enumerate(timeline):
            end = timeline[i + 1][0] if i + 1 < len(timeline) else None
            if end is not None and end <= start:
                continue  # a later row on the same date overrides this one
            latest = row.get("date_latest")
            out.append(
                TimelineSegment(
                    project_id=pid,
                    project_name=str(names.get(pid) or pid),
                    status=str(row["status"]),
                    start=start,
                    start_latest=latest if isinstance(latest, dt.date) else start,
                    end=end,
                    expected=row.get("basis") == "expected",
                    source_ids=tuple(row.get("source_ids") or ()),
                )
            )
    return tuple(out)


@dataclass(frozen=True)
class PartyEvent:
    """A status that holds for one party of an agreement only (e.g. its ratification)."""

    project_id: str
    project_name: str
    party: str
    status: str
    date: dt.date
    date_latest: dt.date
    expected: bool


def party_events(network: Network) -> tuple[PartyEvent, ...]:
    """The ``project_status`` rows with a ``party``, by project order then date."""
    names = dict(zip(network.projects["project_id"], network.projects["name"], strict=True))
    order = {pid: i for i, pid in enumerate(network.projects["project_id"])}
    out = []
    for row in network.project_status.to_dict("records"):
        party = row.get("party")
        if not (isinstance(party, str) and party):
            continue
        latest = row.get("date_latest")
        out.append(
            PartyEvent(
                project_id=str(row["project_id"]),
                project_name=str(names.get(row["project_id"]) or row["project_id"]),
                party=party,
                status=str(row["status"]),
                date=row["date"],
                date_latest=latest if isinstance(latest, dt.date) else row["date"],
                expected=row.get("basis") == "expected",
            )
        )
    out.sort(key=lambda e: (order.get(e.project_id, len(order)), e.date))
    return tuple(out)


def _year(date: dt.date) -> float:
    """A date as a fractional year (2024-07-02 -> 2024.5)."""
    start = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def timeline_figure(
    segments: Sequence[TimelineSegment],
    *,
    events: Sequence[PartyEvent] = (),
    as_of: dt.date | None = None,
) -> Figure:
    """Horizontal bars per project coloured by status; forecasts hatched, date ranges
    as whiskers, one party's steps (``events``) as diamonds, ``as_of`` as a vertical
    line."""
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    projects = list(dict.fromkeys(s.project_id for s in segments))
    projects += [e.project_id for e in events if e.project_id not in projects]
    labels = {s.project_id: s.project_name for s in segments}
    labels.update({e.project_id: e.project_name for e in events if e.project_id not in labels})
    starts = [_year(s.start) for s in segments] + [_year(e.date) for e in events]
    lasts = [_year(s.start_latest) for s in segments]
    if as_of is not None:
        lasts.append(_year(as_of))
    first = min(starts, default=2000.0)
    horizon = float(int(max([*starts, *lasts], default=2030.0)) + 3)
    height_in = 1.2 + 0.32 * max(len(projects), 1)
    fig = Figure(figsize=(10, height_in), layout="constrained")
    ax = fig.add_subplot()
    row_of = {pid: i for i, pid in enumerate(projects)}
    for s in segments:
        y = row_of[s.project_id]
        x0 = _year(s.start)
        x1 = _year(s.end) if s.end is not None else horizon
        colour = STATUS_COLOURS.get(s.status, "#777777")
        ax.barh(
            y,
            x1 - x0,
            left=x0,
            height=0.62,
            color=colour,
            alpha=0.55 if s.expected else 1.0,
            hatch="///" if s.expected else None,
            edgecolor="#333333" if s.expected else colour,
            linewidth=0.6,
        )
        if s.start_latest > s.start:
            xl = _year(s.start_latest)
            ax.plot([x0, xl], [y - 0.42, y - 0.42], color="#222222", linewidth=1.2)
            ax.plot([x0, x0], [y - 0.5, y - 0.34], color="#222222", linewidth=1.2)
            ax.plot([xl, xl], [y - 0.5, y - 0.34], color="#222222", linewidth=1.2)
    by_row: dict[str, list[PartyEvent]] = {}
    for event in events:
        by_row.setdefault(event.project_id, []).append(event)
    for pid, row_events in by_row.items():
        y = row_of[pid]
        xs = [_year(e.date) for e in row_events]
        ax.scatter(
            xs,
            [y] * len(xs),
            marker="D",
            s=22,
            color=[STATUS_COLOURS.get(e.status, "#777777") for e in row_events],
            edgecolors="#222222",
            linewidths=0.6,
            zorder=3,
        )
        steps: dict[str, list[str]] = {}
        for e in row_events:
            steps.setdefault(e.status.replace("_", " "), []).append(e.party)
        text = "; ".join(f"{status} by {', '.join(parties)}" for status, parties in steps.items())
        ax.annotate(
            text,
            (max(xs), y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    if as_of is not None:
        ax.axvline(_year(as_of), color="#C00000", linewidth=1.2, linestyle="--")
        ax.text(
            _year(as_of),
            -0.9,
            f"as of {as_of.isoformat()}",
            color="#C00000",
            fontsize=8,
            ha="center",
            va="bottom",
        )
    ax.set_yticks(range(len(projects)), [labels[p] for p in projects], fontsize=8)
    ax.set_ylim(len(projects) - 0.4, -1.0)
    ax.set_xlim(first - 0.5, horizon)
    ax.set_xlabel("year")
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    used = list(dict.fromkeys(s.status for s in segments))
    handles: list[Artist] = [
        Patch(color=STATUS_COLOURS.get(status, "#777777"), label=status.replace("_", " "))
        for status in used
    ]
    handles.append(
        Patch(facecolor="#FFFFFF", edgecolor="#333333", hatch="///", label="expected (forecast)")
    )
    handles.append(Patch(facecolor="none", edgecolor="none", label="|—| date range"))
    if events:
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                linestyle="none",
                markerfacecolor="#FFFFFF",
                markeredgecolor="#222222",
                label="step of one party",
            )
        )
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 5), fontsize=8)
    return fig


def unit_label(unit: str) -> str:
    """How a cargo unit is written in headings.

    >>> unit_label("teu"), unit_label("t")
    ('TEU', 't')
    """
    return "TEU" if unit == "teu" else unit


_METRICS = (
    ("cost_usd", "cost (USD per {unit})", 1.0),
    ("time_h", "time (days)", 1.0 / 24.0),
    ("co2e_kg", "CO2e WTW (kg per {unit})", 1.0),
)


def family_figure(comparison: Comparison, *, title: str = "") -> Figure:
    """Three bar panels (cost USD, time days, CO2e kg per cargo unit), one bar per
    corridor family, best option by the comparison's criterion first."""
    from matplotlib.figure import Figure

    options = list(comparison.options)
    unit = unit_label(options[0].unit) if options else "unit"
    labels = [comparison.short_labels.get(o.family or "", o.family_label or "") for o in options]
    order = [o.family or "" for o in options]
    colours = [family_colour(o.family, order) for o in options]
    fig = Figure(figsize=(10, 1.4 + 0.38 * max(len(options), 1)), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    for ax, (key, label, factor) in zip(axes, _METRICS, strict=True):
        values = [getattr(o.totals, key) * factor for o in options]
        bars = ax.barh(range(len(options)), values, color=colours, height=0.66)
        for bar, option, value in zip(bars, options, values, strict=True):
            if option.expected:
                bar.set_hatch("///")
                bar.set_edgecolor("#333333")
            ax.annotate(
                f"{value:,.0f}" if value >= 100 else f"{value:,.1f}",
                (value, bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.set_title(label.format(unit=unit), fontsize=9)
        ax.set_xlim(0, max(values, default=1.0) * 1.28)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_yticks(range(len(options)), labels, fontsize=8)
    axes[0].invert_yaxis()
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def figure_svg(fig: Figure, *, name: str = "chart") -> str:
    """The figure as an inline ``<svg class="mpl-chart" id=NAME>`` element: text kept as
    text, no XML prologue or metadata, and every id prefixed with ``name`` so that
    several charts can share one page. Matplotlib's global ``*{...}`` style rule is
    scoped to the chart, so it does not restyle the rest of the page.
    """
    import re

    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "instc"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{name}-\1"', text)
    text = text.replace("*{stroke-linejoin", f"#{name} *{{stroke-linejoin", 1)
    return text.replace("<svg ", f'<svg id="{name}" class="mpl-chart" ', 1)


def figure_png(fig: Figure, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
