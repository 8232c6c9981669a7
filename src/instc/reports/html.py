"""The self-contained HTML report: one file, inline CSS, SVG and a few lines of JS.

Nothing in the page refers to another file or host except the links of the sources
list (plain ``<a href>`` the reader may follow): it opens offline and can be mailed or
pasted as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from instc._values import is_missing
from instc.reports.charts import unit_label

if TYPE_CHECKING:
    from instc.reports.content import ReportContent, ScenarioSection

__all__ = ["render_html"]

_CSS = """
:root { --ink:#1d2430; --muted:#5b6575; --line:#d9dee5; --accent:#0b4f8a; --band:#f4f6f9; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color:var(--ink); background:#fff; }
main { max-width:1120px; margin:0 auto; padding:24px 28px 60px; }
header { border-bottom:3px solid var(--accent); margin-bottom:18px; padding-bottom:10px; }
h1 { font-size:26px; margin:0 0 4px; }
h2 { font-size:20px; margin:34px 0 8px; border-bottom:1px solid var(--line); padding-bottom:4px; }
h3 { font-size:16px; margin:22px 0 6px; }
p.lead, p.note, .meta { color:var(--muted); }
p.note { font-size:13px; }
nav ol { columns:2; margin:6px 0 0; padding-left:20px; }
nav a, a { color:var(--accent); }
figure { margin:10px 0 18px; }
figure svg { width:100%; height:auto; display:block; }
figcaption { font-size:13px; color:var(--muted); margin-top:4px; }
.map-frame { border:1px solid var(--line); }
table { border-collapse:collapse; width:100%; font-size:13px; margin:8px 0 16px; }
th, td { padding:4px 8px; border-bottom:1px solid var(--line); text-align:left;
         vertical-align:top; }
th { background:var(--band); font-weight:600; }
thead tr.group th { text-align:center; border-bottom:none; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
tr.unchanged td { color:#8a93a0; }
td.better { color:#0a7a3e; } td.worse { color:#b3261e; }
.swatch { display:inline-block; width:12px; height:12px; border-radius:2px;
          margin-right:6px; vertical-align:-1px; }
.tag { display:inline-block; font-size:11px; padding:0 6px; border-radius:8px;
       background:#fff3cd; color:#7a5a00; margin-left:4px; }
.status { display:inline-block; font-size:12px; padding:0 6px; border-radius:8px; color:#fff; }
ul.findings { margin:6px 0 10px; }
.cards { display:flex; flex-wrap:wrap; gap:10px; margin:10px 0; }
.card { border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:150px; }
.card b { display:block; font-size:20px; }
ol.sources { font-size:13px; padding-left:0; list-style:none; }
ol.sources li { margin:3px 0; }
ol.sources code { background:var(--band); padding:0 4px; border-radius:3px; }
.route.dim { stroke-opacity:0.12; }
tr[data-family] { cursor:default; }
@media print { main { max-width:none; } nav { display:none; } h2 { break-after:avoid; } }
"""

# Hovering a family row dims the other routes on the map (the map stays readable without).
_JS = """
document.querySelectorAll('tr[data-family]').forEach(function (row) {
  var family = row.getAttribute('data-family');
  row.addEventListener('mouseenter', function () {
    document.querySelectorAll('#map svg.corridor-map .route').forEach(function (path) {
      path.classList.toggle('dim', path.getAttribute('data-family') !== family);
    });
  });
  row.addEventListener('mouseleave', function () {
    document.querySelectorAll('#map svg.corridor-map .route').forEach(function (path) {
      path.classList.remove('dim');
    });
  });
});
"""


def _num(value: float | None, digits: int = 0, *, signed: bool = False) -> str:
    if is_missing(value):
        return "–"
    text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    return text.replace("-", "−")


def _delta_cell(value: float | None, digits: int) -> str:
    if value is None:
        return '<td class="num">–</td>'
    if abs(value) < 0.5 * 10**-digits:
        return '<td class="num">0</td>'
    css = "better" if value < 0 else "worse"
    return f'<td class="num {css}">{_num(value, digits, signed=True)}</td>'


def _summary_section(content: ReportContent) -> str:
    summary = content.summary
    km = summary["length_km_by_mode"]
    cards = [
        ("places", f"{summary['nodes']:,}"),
        ("usable links", f"{summary['links']:,}"),
        ("countries", f"{len(summary['countries'])}"),
        ("projects", f"{len(content.project_status)}"),
    ]
    rows = "".join(
        f'<tr><td>{escape(mode)}</td><td class="num">{_num(length)}</td></tr>'
        for mode, length in sorted(km.items(), key=lambda kv: -kv[1])
    )
    return (
        '<section id="network"><h2>1. The network</h2>'
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{v}</b>{escape(k)}</div>' for k, v in cards)
        + "</div>"
        '<table class="compact" style="width:auto"><thead><tr><th>mode</th>'
        f'<th class="num">length (km)</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )


def _map_section(content: ReportContent, map_svg: str, detail_svg: str) -> str:
    detail = (
        f'<figure class="map-frame" id="map-detail">{detail_svg}</figure>'
        "<p class='note'>Detail: the Caspian region, where the INSTC families part ways "
        "(same styles as above; ports and border points labelled).</p>"
        if detail_svg
        else ""
    )
    return (
        '<section id="map"><h2>2. Corridor map</h2>'
        f'<p class="lead">The best option of each corridor family from '
        f"{escape(_short(content.origin_name))} to {escape(_short(content.destination_name))} "
        f"({escape(content.cargo)}), drawn over every link of the network. Dotted grey "
        "links belong to projects not open at the report date; hover a route or a place "
        "for its figures.</p>"
        f'<figure class="map-frame" id="map-overview">{map_svg}</figure>{detail}</section>'
    )


def _short(name: str) -> str:
    from instc.reports.svgmap import _short_name

    return _short_name(name)


def _comparison_section(content: ReportContent, chart_svg: str) -> str:
    comparison = content.comparison
    options = comparison.options
    unit = unit_label(options[0].unit) if options else "unit"
    best = options[0].totals if options else None
    rows = []
    for option, colour in zip(options, content.family_colours, strict=True):
        t = option.totals
        tag = '<span class="tag">forecast</span>' if option.expected else ""
        rows.append(
            f'<tr data-family="{escape(option.family or "")}">'
            f'<td><span class="swatch" style="background:{colour}"></span>'
            f"{escape(option.family_label or option.family or '')}{tag}</td>"
            f'<td class="num">{_num(t.cost_usd)}</td>'
            f'<td class="num">{_num(t.time_days, 1)}</td>'
            f'<td class="num">{_num(t.co2e_kg)}</td>'
            f'<td class="num">{_num(t.distance_km)}</td>'
            f'<td class="num">{_num(t.cost_usd - best.cost_usd if best else None, signed=True)}'
            "</td>"
            f'<td class="num">{_num(len(option.legs))}</td></tr>'
        )
    missing = "".join(
        f"<li><b>{escape(comparison.short_labels.get(fid, fid))}</b>: {escape(reason)}</li>"
        for fid, reason in comparison.missing
    )
    return (
        '<section id="comparison"><h2>3. Route families compared</h2>'
        f'<p class="lead">{escape(content.origin_name)} → {escape(content.destination_name)}, '
        f"one {escape(unit)} of {escape(content.cargo)}: the best option of each family by "
        f"{escape(comparison.by)}, door to door (freight, charges, waiting, dwell and border "
        "time; CO2e well-to-wheel, ISO 14083).</p>"
        + _findings(content)
        + f'<figure id="family-chart">{chart_svg}<figcaption>Cost, time and CO2e per '
        f"{escape(unit)} by corridor family; hatched bars rest on a forecast opening."
        "</figcaption></figure>"
        "<table><thead><tr><th>corridor family</th>"
        f'<th class="num">cost (USD/{escape(unit)})</th><th class="num">time (days)</th>'
        f'<th class="num">CO2e WTW (kg/{escape(unit)})</th><th class="num">distance (km)</th>'
        f'<th class="num">Δ cost vs best (USD/{escape(unit)})</th><th class="num">legs</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<p class='note'>No route for:</p><ul class='note'>{missing}</ul>" if missing else "")
        + "</section>"
    )


def findings(content: ReportContent) -> list[tuple[str, str, float]]:
    """(criterion, family label, value) of the best family by cost, time and CO2e."""
    options = content.comparison.options
    if not options:
        return []
    labels = content.comparison.short_labels
    out = []
    for criterion, key in (
        ("cheapest", "cost_usd"),
        ("fastest", "time_h"),
        ("lowest CO2e", "co2e_kg"),
    ):
        best = min(options, key=lambda o: getattr(o.totals, key))
        out.append(
            (
                criterion,
                labels.get(best.family or "", best.family_label or ""),
                getattr(best.totals, key),
            )
        )
    return out


def _findings(content: ReportContent) -> str:
    options = content.comparison.options
    unit = unit_label(options[0].unit) if options else "unit"
    texts = {
        "cheapest": lambda v: f"{_num(v)} USD/{unit}",
        "fastest": lambda v: f"{_num(v / 24.0, 1)} days",
        "lowest CO2e": lambda v: f"{_num(v)} kg CO2e/{unit}",
    }
    items = "".join(
        f"<li><b>{escape(criterion)}</b>: {escape(label)} ({escape(texts[criterion](value))})</li>"
        for criterion, label, value in findings(content)
    )
    return f'<ul class="findings">{items}</ul>' if items else ""


def _timeline_section(content: ReportContent, chart_svg: str) -> str:
    from instc.reports.charts import STATUS_COLOURS

    when = content.as_of.isoformat() if content.as_of else "the latest known date"
    # the latest date of a status whose date sources disagree on
    latest = {(s.project_id, s.start): s.start_latest for s in content.timeline}
    rows = []
    for row in content.project_status:
        colour = STATUS_COLOURS.get(str(row["status"]), "#777777")
        since = row.get("since")
        when_text = "–"
        if isinstance(since, dt.date):
            until = latest.get((str(row["project_id"]), since), since)
            when_text = since.isoformat() + (f" to {until.isoformat()}" if until != since else "")
        rows.append(
            f"<tr><td>{escape(str(row['name']))}</td><td>{escape(str(row['kind']))}</td>"
            f'<td><span class="status" style="background:{colour}">'
            f"{escape(str(row['status']).replace('_', ' '))}</span>"
            + ('<span class="tag">forecast</span>' if row.get("expected") else "")
            + f'</td><td class="num">{escape(when_text)}</td>'
            "</tr>"
        )
    return (
        '<section id="timeline"><h2>4. Project timeline</h2>'
        '<p class="lead">Status periods of every project from the dataset\'s timeline '
        "(planned, signed, under construction, open, suspended, closed). Hatched bars are "
        "forecasts; whiskers span the dates on which sources disagree.</p>"
        f'<figure id="timeline-chart">{chart_svg}<figcaption>Project status over time; '
        f"the dashed line marks the report date ({escape(when)}).</figcaption></figure>"
        f"<h3>Status as of {escape(when)}</h3>"
        "<table><thead><tr><th>project</th><th>kind</th><th>status</th>"
        '<th class="num">since (date or range)</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _pair_row(content: ReportContent, pair: Any) -> str:
    names = content.place_names
    unit = unit_label(_cargo_unit(pair.cargo))
    cells = [
        f"<td>{escape(_short(names.get(pair.origin, pair.origin)))} → "
        f"{escape(_short(names.get(pair.destination, pair.destination)))}</td>",
        f"<td>{escape(pair.cargo)}</td><td>{escape(unit)}</td>",
    ]
    for key, factor, digits in (("cost_usd", 1.0, 0), ("time_h", 1 / 24, 1), ("co2e_kg", 1.0, 0)):
        before = pair.before[key] * factor if pair.before is not None else None
        after = pair.after[key] * factor if pair.after is not None else None
        delta = pair.delta[key] * factor if pair.delta is not None else None
        cells.append(
            f'<td class="num">{"no route" if before is None else _num(before, digits)}</td>'
        )
        cells.append(f'<td class="num">{"no route" if after is None else _num(after, digits)}</td>')
        cells.append(_delta_cell(delta, digits))
    labels = content.comparison.short_labels
    before, after = (
        labels.get(f, f) if f else "–" for f in (pair.family_before, pair.family_after)
    )
    family = f"{before} → {after}" if before != after else after
    cells.append(f"<td>{escape(family)}</td>")
    moved = [f"+{x}" for x in pair.links_entered] + [f"−{x}" for x in pair.links_left]
    cells.append(
        f'<td class="num" title="{escape(" ".join(moved))}">'
        f"+{len(pair.links_entered)} / −{len(pair.links_left)}</td>"
        if moved
        else '<td class="num">–</td>'
    )
    css = "changed" if pair.changed else "unchanged"
    return f'<tr class="{css}">{"".join(cells)}</tr>'


def _baseline(content: ReportContent, diff: Any) -> str:
    """What the diff's "before" is: the network on its date (a project scenario: on the
    scenario's date, without its projects) or a baseline scenario."""
    if diff.held_closed:
        return (
            f"the network as of {diff.as_of_before} without {', '.join(diff.held_closed)} "
            "(same date as the scenario)"
        )
    if diff.baseline != "baseline":
        return f"scenario {diff.baseline}"
    when = content.as_of.isoformat() if content.as_of else "with every link"
    return f"the network as of {when}"


def _cargo_unit(cargo: str) -> str:
    from instc.network.schema import CARGO_UNITS

    return CARGO_UNITS.get(cargo, cargo)


def _scenario_map(content: ReportContent, section: ScenarioSection, svg: str) -> str:
    pair = section.highlight
    if pair is None or not svg:
        return ""
    names = content.place_names
    route = (
        f"{_short(names.get(pair.origin, pair.origin))} → "
        f"{_short(names.get(pair.destination, pair.destination))}"
    )
    return (
        f'<figure class="map-frame scenario-map">{svg}<figcaption>The pair this scenario '
        f"changes most in cost, {escape(route)} ({escape(pair.cargo)}): its best route "
        "before and after, over the scenario's network (dotted links are closed in it)."
        "</figcaption></figure>"
    )


def _scenario_section(
    content: ReportContent, number: int, section: ScenarioSection, map_svg: str = ""
) -> str:
    scenario, diff = section.scenario, section.diff
    heading = scenario.name + (f" — {scenario.title}" if scenario.title else "")
    changed = sum(1 for p in diff.pairs if p.changed)
    edits = "".join(f"<li><code>{escape(e.describe())}</code></li>" for e in scenario.edits)
    assumptions = "".join(f"<li>{escape(a)}</li>" for a in scenario.assumptions)
    rows = "".join(_pair_row(content, p) for p in sorted(diff.pairs, key=lambda p: not p.changed))
    return (
        f'<section class="scenario" id="scenario-{escape(scenario.name)}">'
        f"<h3>5.{number} {escape(heading)}</h3>"
        f"<p>{escape(' '.join(scenario.description.split()))}</p>"
        + (f"<p class='note'>As of {scenario.as_of.isoformat()}.</p>" if scenario.as_of else "")
        + (f"<details><summary>Edits ({len(scenario.edits)})</summary><ul>{edits}</ul></details>")
        + (
            f"<p class='note'>Assumptions:</p><ul class='note'>{assumptions}</ul>"
            if assumptions
            else ""
        )
        + f"<p class='note'>{changed} of {len(diff.pairs)} pairs change (before: "
        f"{escape(_baseline(content, diff))}; after: this scenario); figures per "
        f"cargo unit, best option by {escape(content.comparison.by)}; Δ = after − before, green "
        "is lower; – in the family column: the best route matches no corridor family.</p>"
        '<table class="diff"><thead><tr class="group"><th></th><th></th><th></th>'
        '<th colspan="3">cost (USD per unit)</th><th colspan="3">time (days)</th>'
        '<th colspan="3">CO2e WTW (kg per unit)</th><th></th><th></th></tr>'
        "<tr><th>pair</th><th>cargo</th><th>unit</th>"
        + '<th class="num">before</th><th class="num">after</th><th class="num">Δ</th>' * 3
        + "<th>corridor family (best option)</th>"
        + '<th class="num" title="links the best route starts / stops using">links + / −</th>'
        + "</tr></thead>"
        + f"<tbody>{rows}</tbody></table>"
        + _scenario_map(content, section, map_svg)
        + "</section>"
    )


def _sources_section(content: ReportContent) -> str:
    items = []
    for s in content.sources:
        title = escape(s.title)
        link = f'<a href="{escape(s.url)}">{title}</a>' if s.url.startswith("http") else title
        meta = ", ".join(escape(x) for x in (s.publisher, s.published) if x)
        items.append(
            f'<li id="src-{escape(s.source_id)}"><code>{escape(s.source_id)}</code> {link}'
            + (f" — {meta}" if meta else "")
            + f' <span class="meta">(cited by: {escape(", ".join(s.cited_by))})</span></li>'
        )
    return (
        f'<section id="sources"><h2>8. Sources</h2><p class="lead">{len(content.sources)} '
        "sources cited by the map, the comparison, the timeline and the scenarios above."
        f'</p><ol class="sources">{"".join(items)}</ol></section>'
    )


def _executive_summary(content: ReportContent) -> str:
    """The report in a few lines: the compared pair's best families, what each scenario
    does to them, the tightest bottleneck and the most reliable family."""
    from instc.units import h_to_days

    pair = f"{content.origin_name} → {content.destination_name}"
    labels = content.comparison.short_labels
    items = []
    for criterion, key in (("cheapest", "cost_usd"), ("fastest", "time_h")):
        ranked = sorted(content.comparison.families, key=lambda o: float(getattr(o.totals, key)))
        if ranked:
            items.append(f"{pair}: {criterion} family is {labels.get(ranked[0].family or '', '')}")
    for section in content.scenarios:
        compared = section.compared_pair
        moved = [f for f in (compared.families if compared else ()) if f.changed and f.delta]
        for fam in moved:
            d = fam.delta or {}
            items.append(
                f"{section.scenario.name}: {fam.family} on {pair} "
                f"{_num(d['cost_usd'], signed=True)} USD and "
                f"{_num(h_to_days(d['time_h']), 1, signed=True)} days per unit "
                f"(before: {_baseline(content, section.diff)})"
            )
        if not moved:
            items.append(f"{section.scenario.name}: no family of {pair} changes")
    if content.flows is not None:
        top = content.flows.saturated(1)
        if not top.empty:
            row = top.iloc[0]
            items.append(
                f"tightest bottleneck at {content.flows.year} volumes: {row['name']} "
                f"(V/C {row['volume_capacity']:.2f}, {row['delay_h']:,.1f} h delay)"
            )
    if content.reliability is not None and content.reliability.families:
        steady = content.reliability.best
        p = content.reliability.percentile
        items.append(
            f"most reliable on {pair}: {steady.label} "
            f"(P{p:g} {h_to_days(steady.result.percentile_h(p)):.1f} days)"
        )
    lines = "".join(f"<li>{escape(text)}</li>" for text in items)
    return f'<section id="summary"><h2>Executive summary</h2><ul>{lines}</ul></section>'


def _flows_section(content: ReportContent, top: int = 10) -> str:
    flows = content.flows
    if flows is None:
        note = content.flows_note or "not computed"
        return (
            '<section id="flows"><h2>6. Bottlenecks and flows</h2>'
            f"<p class='note'>{escape(note)}</p></section>"
        )
    rows = "".join(
        f"<tr><td>{escape(str(r['name']))}</td><td>{escape(str(r['element_id']))}</td>"
        f'<td class="num">{_num(r["volume_t_per_year"] / 1e6, 2)}</td>'
        f"<td>{escape(str(r['capacity']))}</td>"
        f'<td class="num">{_num(r["volume_capacity"], 2)}</td>'
        f'<td class="num">{_num(r["delay_h"], 1)}</td></tr>'
        for r in flows.saturated(top).to_dict(orient="records")
    )
    shares = "".join(
        f"<tr><td>{escape(str(r['family']))}</td>"
        f'<td class="num">{_num(r["volume_t"] / 1e6, 2)}</td>'
        f'<td class="num">{_num(100 * r["share"], 1)}</td></tr>'
        for r in flows.family_totals().to_dict(orient="records")
    )
    return (
        f'<section id="flows"><h2>6. Bottlenecks and flows ({flows.year})</h2>'
        f"<p class='note'>{_num(flows.demand.total_t / 1e6, 1)} Mt of corridor freight "
        f"({flows.demand.level}) assigned with path-size logit route choice; "
        f"{flows.capacitated} elements with a "
        f"capacity, {flows.uncapacitated} without (unbounded, their time does not rise with "
        "volume). The most saturated links, borders and terminals:</p>"
        '<table class="compact"><thead><tr><th>element</th><th>id</th>'
        '<th class="num">volume (Mt/yr)</th><th>capacity</th><th class="num">V/C</th>'
        f'<th class="num">delay (h)</th></tr></thead><tbody>{rows}</tbody></table>'
        '<table class="compact" style="width:auto"><thead><tr><th>route family</th>'
        '<th class="num">Mt/yr</th><th class="num">share (%)</th></tr></thead>'
        f"<tbody>{shares}</tbody></table></section>"
    )


def _reliability_section(content: ReportContent) -> str:
    found = content.reliability
    if found is None:
        return (
            '<section id="reliability"><h2>7. Reliability per family</h2>'
            "<p class='note'>not computed</p></section>"
        )
    rows = "".join(
        f"<tr><td>{escape(str(r['label']))}</td>"
        + "".join(
            f'<td class="num">{_num(r[k], 1)}</td>'
            for k in ("planned_time_days", "mean_days", "p50_days", "p90_days", "p95_days")
        )
        + "</tr>"
        for r in found.to_frame().to_dict(orient="records")
    )
    first = found.families[0].result if found.families else None
    draws = f"{first.samples:,} draws, seed {first.seed}" if first is not None else ""
    return (
        '<section id="reliability"><h2>7. Reliability per family</h2>'
        f"<p class='note'>{escape(content.origin_name)} → {escape(content.destination_name)}: "
        f"Monte Carlo of the door-to-door time ({escape(draws)}); {escape(found.criterion)}; "
        f"ranked by P{found.percentile:g}.</p>"
        '<table class="compact"><thead><tr><th>family</th><th class="num">planned (d)</th>'
        '<th class="num">mean (d)</th><th class="num">P50 (d)</th><th class="num">P90 (d)</th>'
        f'<th class="num">P95 (d)</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )


def render_html(
    content: ReportContent,
    *,
    map_svg: str,
    detail_map_svg: str = "",
    family_chart_svg: str,
    timeline_chart_svg: str,
    scenario_map_svgs: Sequence[str] = (),
    title: str = "INSTC corridor report",
) -> str:
    """The report page as a string (UTF-8 HTML5, no external references)."""
    from instc import __version__

    when = content.as_of.isoformat() if content.as_of else "all links (no date)"
    maps = list(scenario_map_svgs) + [""] * (len(content.scenarios) - len(scenario_map_svgs))
    scenario_html = "".join(
        _scenario_section(content, i, s, m)
        for i, (s, m) in enumerate(zip(content.scenarios, maps, strict=True), start=1)
    )
    if not content.scenarios:
        scenario_html = (
            "<p class='note'>No scenario was asked for (<code>instc report --scenario "
            "NAME</code> adds one; <code>instc scenario list</code> shows them).</p>"
        )
    toc: Sequence[tuple[str, str]] = (
        ("summary", "Executive summary"),
        ("network", "The network"),
        ("map", "Corridor map"),
        ("comparison", "Route families compared"),
        ("timeline", "Project timeline"),
        ("scenarios", "Scenarios"),
        ("flows", "Bottlenecks and flows"),
        ("reliability", "Reliability per family"),
        ("sources", "Sources"),
    )
    nav = "".join(f'<li><a href="#{anchor}">{escape(text)}</a></li>' for anchor, text in toc)
    meta: Mapping[str, str] = {
        "as of": when,
        "data": content.data_origin,
        "generated by": f"instc {__version__}",
    }
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — as of {escape(when)}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f"<header><h1>{escape(title)}</h1><div class='meta'>"
        + " · ".join(f"{escape(k)}: {escape(v)}" for k, v in meta.items())
        + f"</div><nav><ol>{nav}</ol></nav></header>"
        + _executive_summary(content)
        + _summary_section(content)
        + _map_section(content, map_svg, detail_map_svg)
        + _comparison_section(content, family_chart_svg)
        + _timeline_section(content, timeline_chart_svg)
        + f'<section id="scenarios"><h2>5. Scenarios</h2>{scenario_html}</section>'
        + _flows_section(content)
        + _reliability_section(content)
        + _sources_section(content)
        + f"</main><script>{_JS}</script></body></html>\n"
    )
