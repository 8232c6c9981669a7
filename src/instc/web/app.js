// The instc web map: search, options, Pareto chart, as-of slider, scenario before/after.
// Everything comes from this server (/api/...): no CDN, no tile server.
"use strict";

const MODE_COLOURS = {
  sea: "#1f6fb2", ferry: "#0aa2c0", rail: "#c0392b", road: "#e67e22",
  inland_waterway: "#16a085", pipeline: "#8e44ad",
};
const fmt0 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const fmt1 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const $ = (id) => document.getElementById(id);
const state = { rows: [], sortKey: "cost", desc: false, selected: 0, geojson: null, reference: null };

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(data && data.detail ? data.detail : res.statusText);
  return data;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

// ---------------------------------------------------------------- the map
const map = new maplibregl.Map({
  container: "map",
  style: {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#d6e6f2" } }],
  },
  center: [55, 35],
  zoom: 2.6,
  attributionControl: { compact: true, customAttribution: "Natural Earth (public domain)" },
});
window.instcMap = map;
map.addControl(new maplibregl.NavigationControl({ showCompass: false }));

const ready = new Promise((resolve) => map.on("load", resolve));
const empty = () => ({ type: "FeatureCollection", features: [] });
const modeColour = ["match", ["get", "mode"],
  ...Object.entries(MODE_COLOURS).flat(), "#555"];

ready.then(async () => {
  map.addSource("basemap", { type: "geojson", data: await api("/api/basemap") });
  map.addLayer({ id: "land", type: "fill", source: "basemap", paint: { "fill-color": "#f4f1ea" } });
  map.addLayer({ id: "borders", type: "line", source: "basemap",
    paint: { "line-color": "#b9b2a3", "line-width": 0.6 } });
  map.addSource("network", { type: "geojson", data: empty() });
  map.addLayer({ id: "network-links", type: "line", source: "network",
    filter: ["==", ["get", "feature_type"], "link"],
    paint: { "line-color": modeColour, "line-width": 1, "line-opacity": 0.35 } });
  map.addLayer({ id: "network-new", type: "line", source: "network",
    filter: ["all", ["==", ["get", "feature_type"], "link"], ["==", ["get", "is_new"], true]],
    paint: { "line-color": "#2e9e44", "line-width": 3, "line-dasharray": [2, 1] } });
  map.addLayer({ id: "network-nodes", type: "circle", source: "network",
    filter: ["==", ["get", "feature_type"], "node"],
    paint: { "circle-radius": 2, "circle-color": "#334" } });
  map.addSource("route", { type: "geojson", data: empty() });
  // a land leg whose alignment is not known is drawn straight (GeoJSON property
  // alignment = "straight"): dashed, so that nobody reads it as the line's way
  const straight = ["==", ["get", "alignment"], "straight"];
  map.addLayer({ id: "route-legs", type: "line", source: "route",
    filter: ["all", ["==", ["geometry-type"], "LineString"], ["!", straight]],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": modeColour, "line-width": 5 } });
  map.addLayer({ id: "route-legs-straight", type: "line", source: "route",
    filter: ["all", ["==", ["geometry-type"], "LineString"], straight],
    paint: { "line-color": modeColour, "line-width": 4, "line-dasharray": [1.5, 1.5] } });
  map.addLayer({ id: "route-transfers", type: "circle", source: "route",
    filter: ["==", ["geometry-type"], "Point"],
    paint: { "circle-radius": 4, "circle-color": "#fff", "circle-stroke-color": "#111",
      "circle-stroke-width": 1.5 } });
  const popup = (e) => {
    const p = e.features[0].properties;
    new maplibregl.Popup().setLngLat(e.lngLat)
      .setText(`${p.mode}: ${p.from_name} → ${p.to_name}, ${fmt0.format(p.distance_km)} km, `
        + `${fmt0.format(p.cost_usd)} USD`
        + (p.alignment === "straight" ? " (drawn straight: its alignment is not known)" : ""))
      .addTo(map);
  };
  map.on("click", "route-legs", popup);
  map.on("click", "route-legs-straight", popup);
  await loadNetwork();
  document.body.dataset.ready = "1";
});

// ---------------------------------------------------------------- as-of slider
function asOf() { return String($("asof").value); }

async function loadNetwork() {
  const year = asOf();
  $("asof-value").textContent = year;
  const scenario = $("scenario").value;
  const query = new URLSearchParams({ as_of: year });
  if (scenario) query.set("scenario", scenario);
  if (!state.reference) state.reference = await api(`/api/network?as_of=${$("asof").min}`);
  const net = await api(`/api/network?${query}`);
  const before = new Set(state.reference.features
    .filter((f) => f.properties.feature_type === "link").map((f) => f.properties.link_id));
  const opened = [];
  for (const f of net.features) {
    if (f.properties.feature_type !== "link") continue;
    f.properties.is_new = !before.has(f.properties.link_id);
    if (f.properties.is_new) opened.push(f.properties.link_id);
  }
  map.getSource("network").setData(net);
  const links = net.features.filter((f) => f.properties.feature_type === "link").length;
  $("opening").textContent = `${fmt0.format(links)} links usable in ${year}`
    + (opened.length ? `; opened since ${$("asof").min} (dashed green): ${opened.join(", ")}` : "");
  document.body.dataset.networkLinks = String(links);
}

// ---------------------------------------------------------------- search and options
function request() {
  const body = {
    origin: $("origin").value.trim(), destination: $("destination").value.trim(),
    cargo: $("cargo").value, as_of: asOf(),
  };
  if ($("scenario").value) body.scenario = $("scenario").value;
  return body;
}

async function search(event) {
  if (event) event.preventDefault();
  const body = request();
  status("finding options…");
  try {
    const [cmp, geo, par] = await Promise.all([
      api("/api/compare", { ...body, percentile: 90, samples: 2000 }),
      api("/api/compare/geojson", body),
      api("/api/pareto", body),
    ]);
    state.geojson = geo;
    state.rows = cmp.options.map((o, i) => ({
      index: i,
      label: o.family_label || o.family || "best",
      cost: o.totals.cost_usd,
      days: o.totals.time_h / 24,
      co2e: o.totals.co2e_kg,
      p90: o.reliability ? o.reliability.time_h / 24 : NaN,
      option: o,
    }));
    // the geojson is by the same query without the percentile: match options by family
    state.geoIndex = {};
    for (const f of geo.features) state.geoIndex[f.properties.family ?? ""] = f.properties.option;
    state.selected = 0;
    renderOptions();
    renderPareto(par);
    await beforeAfter(body, cmp);
    showOption(state.rows[0]);
    status(`${state.rows.length} options ${cmp.origin} → ${cmp.destination}`
      + (cmp.missing.length ? `; ${cmp.missing.length} families without a route` : ""));
    $("dl-csv").disabled = $("dl-geojson").disabled = false;
  } catch (err) {
    status(err.message, true);
  }
}

function renderOptions() {
  const { sortKey, desc } = state;
  const rows = [...state.rows].sort((a, b) => {
    const x = a[sortKey], y = b[sortKey];
    const c = typeof x === "string" ? x.localeCompare(y) : (x - y);
    return desc ? -c : c;
  });
  document.querySelectorAll("#options th").forEach((th) => {
    th.classList.toggle("sorted", th.dataset.key === sortKey);
    th.classList.toggle("desc", th.dataset.key === sortKey && desc);
  });
  const tbody = document.querySelector("#options tbody");
  tbody.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.index = r.index;
    if (r.index === state.selected) tr.className = "selected";
    const cells = [r.label + (r.option.expected ? " *" : ""), fmt0.format(r.cost),
      fmt1.format(r.days), fmt0.format(r.co2e), Number.isNaN(r.p90) ? "–" : fmt1.format(r.p90)];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i) td.className = "num";
      tr.append(td);
    });
    tr.addEventListener("click", () => { state.selected = r.index; renderOptions(); showOption(r); });
    return tr;
  }));
}

function showOption(row) {
  if (!row || !state.geojson) return;
  const want = state.geoIndex[row.option.family ?? ""];
  const features = state.geojson.features.filter((f) => f.properties.option === want);
  map.getSource("route").setData({ type: "FeatureCollection", features });
  const coords = features.flatMap((f) => f.geometry.type === "Point"
    ? [f.geometry.coordinates] : f.geometry.coordinates);
  if (coords.length) {
    const b = coords.reduce((acc, c) => acc.extend(c), new maplibregl.LngLatBounds(coords[0], coords[0]));
    map.fitBounds(b, { padding: 40, duration: 0 });
  }
  const lines = features.filter((f) => f.geometry.type === "LineString");
  const modes = [...new Set(lines.map((f) => f.properties.mode))];
  const entry = (text, colour, className) => {
    const s = document.createElement("span");
    const i = document.createElement("i");
    if (colour) i.style.background = colour;
    if (className) { i.className = className; s.className = className; }
    s.append(i, text);
    return s;
  };
  const entries = modes.map((m) => entry(m, MODE_COLOURS[m] || "#555"));
  if (lines.some((f) => f.properties.alignment === "straight")) {
    entries.push(entry("dashed: drawn straight, alignment not known", null, "straight"));
  }
  $("legend").replaceChildren(...entries);
}

document.querySelectorAll("#options th").forEach((th) => th.addEventListener("click", () => {
  state.desc = state.sortKey === th.dataset.key ? !state.desc : false;
  state.sortKey = th.dataset.key;
  renderOptions();
}));

// ---------------------------------------------------------------- scenario before/after
async function beforeAfter(body, after) {
  const box = $("before-after");
  if (!body.scenario) { box.replaceChildren(); return; }
  const baseline = { ...body };
  delete baseline.scenario;
  const before = await api("/api/compare", baseline);
  const best = (c) => c.options[0].totals;
  const b = best(before), a = best(after);
  const table = document.createElement("table");
  const rows = [["best option", "before", `after (${body.scenario})`],
    ["cost USD", fmt0.format(b.cost_usd), fmt0.format(a.cost_usd)],
    ["days", fmt1.format(b.time_h / 24), fmt1.format(a.time_h / 24)],
    ["kg CO2e", fmt0.format(b.co2e_kg), fmt0.format(a.co2e_kg)]];
  rows.forEach((cells, i) => {
    const tr = document.createElement("tr");
    cells.forEach((text, j) => {
      const td = document.createElement(i ? "td" : "th");
      td.textContent = text;
      if (j) td.className = "num";
      tr.append(td);
    });
    table.append(tr);
  });
  box.replaceChildren(table);
}

// ---------------------------------------------------------------- Pareto chart (SVG)
function renderPareto(options) {
  const svg = $("pareto");
  const NS = "http://www.w3.org/2000/svg";
  const pts = options.map((o) => [o.totals.cost_usd, o.totals.time_h / 24]);
  const [W, H, L, B] = [420, 220, 56, 30];
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs) || 1, y0 = Math.min(...ys), y1 = Math.max(...ys) || 1;
  const sx = (x) => L + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (W - L - 14);
  const sy = (y) => H - B - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * (H - B - 14);
  const el = (name, attrs, text) => {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const kids = [
    el("line", { x1: L, y1: H - B, x2: W - 8, y2: H - B, stroke: "#889" }),
    el("line", { x1: L, y1: 8, x2: L, y2: H - B, stroke: "#889" }),
    el("text", { x: (W + L) / 2, y: H - 6, "text-anchor": "middle", "font-size": 11 }, "cost USD per unit"),
    el("text", { x: 12, y: (H - B) / 2, "font-size": 11, transform: `rotate(-90 12 ${(H - B) / 2})`,
      "text-anchor": "middle" }, "days"),
    el("text", { x: L, y: H - B + 13, "font-size": 10, "text-anchor": "middle" }, fmt0.format(x0)),
    el("text", { x: W - 14, y: H - B + 13, "font-size": 10, "text-anchor": "end" }, fmt0.format(x1)),
    el("text", { x: L - 4, y: H - B, "font-size": 10, "text-anchor": "end" }, fmt1.format(y0)),
    el("text", { x: L - 4, y: 16, "font-size": 10, "text-anchor": "end" }, fmt1.format(y1)),
  ];
  const order = pts.map((p, i) => i).sort((a, b) => pts[a][0] - pts[b][0]);
  kids.push(el("polyline", { fill: "none", stroke: "#1f6fb2", "stroke-dasharray": "3 2",
    points: order.map((i) => `${sx(pts[i][0])},${sy(pts[i][1])}`).join(" ") }));
  pts.forEach((p, i) => {
    const c = el("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 4, fill: "#1f6fb2", class: "pareto-point" });
    c.append(el("title", {}, `${fmt0.format(p[0])} USD, ${fmt1.format(p[1])} days, `
      + `${fmt0.format(options[i].totals.co2e_kg)} kg CO2e`));
    kids.push(c);
  });
  svg.replaceChildren(...kids);
}

// ---------------------------------------------------------------- downloads
function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

$("dl-csv").addEventListener("click", () => {
  const head = ["option", "family", "cost_usd", "time_days", "co2e_kg", "p90_days", "distance_km"];
  const quote = (v) => `"${String(v).replaceAll('"', '""')}"`;
  const lines = [head.join(",")].concat(state.rows.map((r) => [quote(r.label),
    quote(r.option.family ?? ""), r.cost.toFixed(2), r.days.toFixed(3), r.co2e.toFixed(2),
    Number.isNaN(r.p90) ? "" : r.p90.toFixed(3), r.option.totals.distance_km.toFixed(1)].join(",")));
  download("instc-options.csv", "text/csv", lines.join("\n") + "\n");
});
$("dl-geojson").addEventListener("click", () => {
  download("instc-options.geojson", "application/geo+json", JSON.stringify(state.geojson));
});

// ---------------------------------------------------------------- suggestions
function suggest(input, list) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(async () => {
      try {
        const hits = await api(`/api/places?${new URLSearchParams({ q, limit: 8 })}`);
        $(list).replaceChildren(...hits.map((h) => {
          const o = document.createElement("option");
          o.value = h.name;
          o.label = `${h.node_id} · ${h.country}`;
          return o;
        }));
        document.body.dataset.suggestions = String(hits.length);
      } catch (err) { status(err.message, true); }
    }, 150);
  });
}

// ---------------------------------------------------------------- start
(async () => {
  const year = new Date().getFullYear();
  $("asof").value = String(Math.min(Math.max(year, 2024), 2035));
  $("asof-value").textContent = $("asof").value;
  suggest($("origin"), "origin-list");
  suggest($("destination"), "destination-list");
  $("search").addEventListener("submit", search);
  $("asof").addEventListener("input", () => { $("asof-value").textContent = asOf(); });
  $("asof").addEventListener("change", async () => {
    await ready;
    await loadNetwork();
    if (state.rows.length) await search();
  });
  $("scenario").addEventListener("change", async () => {
    await ready;
    await loadNetwork();
    if (state.rows.length) await search();
  });
  try {
    for (const s of await api("/api/scenarios")) {
      const o = document.createElement("option");
      o.value = s.name;
      o.textContent = s.title ? `${s.name} — ${s.title}` : s.name;
      $("scenario").append(o);
    }
  } catch (err) { status(err.message, true); }
})();
