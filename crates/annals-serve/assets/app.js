// The annals web UI: filters, a timeline and a map of happenings, lists, and detail views.
//
// Every piece of text that comes from the store (article text, titles, names) is untrusted: it is
// inserted with textContent / createTextNode only, never parsed as markup.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const PAGE = 20;
const FILTERS = ["text", "event", "country", "actor", "source", "from", "to", "bbox"];
const QUADS = ["", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];

const state = {
  happeningOffset: 0,
  documentOffset: 0,
  happenings: [],
  eventTypes: new Set(),
  world: null,
  selected: null,
};

// ---------- small DOM helpers (text only) ----------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) append(node, c);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  for (const c of children) append(node, c);
  return node;
}

function append(node, child) {
  if (child === undefined || child === null || child === false) return;
  if (Array.isArray(child)) child.forEach((c) => append(node, c));
  else if (child instanceof Node) node.appendChild(child);
  else node.appendChild(document.createTextNode(String(child)));
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function $(id) {
  return document.getElementById(id);
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

// ---------- data ----------

async function getJSON(path, params) {
  const query = params ? "?" + params.toString() : "";
  const response = await fetch(path + query, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const why = body && typeof body.error === "string" ? body.error : response.statusText;
    const error = new Error(why);
    error.status = response.status;
    throw error;
  }
  return body;
}

function filterParams() {
  const form = $("filters");
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const field = form.elements.namedItem(name);
    const value = field && field.value ? field.value.trim() : "";
    if (value) params.set(name, value);
  }
  return params;
}

function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  const form = $("filters");
  for (const name of FILTERS) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    const value = params.get(name) || "";
    if (field.tagName === "SELECT" && value && !state.eventTypes.has(value)) addEventType(value);
    field.value = value;
  }
}

function addEventType(type) {
  if (!type || state.eventTypes.has(type)) return;
  state.eventTypes.add(type);
  const select = $("filters").elements.namedItem("event");
  const options = Array.from(select.options).slice(1);
  const option = el("option", { value: type }, type);
  const before = options.find((o) => o.value > type);
  select.insertBefore(option, before || null);
}

// ---------- formatting ----------

function text(v) {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object") return v.text || v.name || v.code || "";
  return "";
}

function codes(list) {
  if (!Array.isArray(list)) return "";
  return list.map((a) => (typeof a === "string" ? a : a.code || a.text || "")).filter(Boolean).join(", ");
}

function dateRange(d) {
  if (!d) return "";
  if (typeof d === "string") return d;
  const a = d.earliest || d.value || "";
  const b = d.latest || "";
  return b && b !== a ? `${a} – ${b}` : a;
}

function reportCount(h) {
  if (Array.isArray(h.reports)) return h.reports.length;
  if (typeof h.reports === "number") return h.reports;
  if (typeof h.report_count === "number") return h.report_count;
  return 1;
}

function corroboration(h) {
  const c = h.corroboration || {};
  const n = typeof c.independent_sources === "number" ? c.independent_sources : h.independent_sources;
  const yes = typeof c.corroborated === "boolean" ? c.corroborated : h.corroborated;
  return { n: typeof n === "number" ? n : 0, yes: !!yes };
}

function contradictions(h) {
  if (Array.isArray(h.contradiction_list)) return h.contradiction_list;
  if (Array.isArray(h.contradictions)) return h.contradictions;
  return [];
}

function contradictionCount(h) {
  return typeof h.contradictions === "number" ? h.contradictions : contradictions(h).length;
}

function quad(h) {
  const q = Number(h.quad_code);
  return q >= 1 && q <= 4 ? q : 0;
}

function place(h) {
  const p = h.event_loc || h.place;
  if (!p || typeof p !== "object") return null;
  const lat = Number(p.lat);
  const lon = Number(p.lon);
  return { name: p.name || "", country: p.country || "", lat, lon, located: Number.isFinite(lat) && Number.isFinite(lon) && (p.lat !== undefined) };
}

function midDate(h) {
  const d = h.date;
  const a = Date.parse((d && (d.earliest || d.value)) || h.first_reported || "");
  const b = Date.parse((d && d.latest) || "");
  if (Number.isFinite(a) && Number.isFinite(b)) return (a + b) / 2;
  return Number.isFinite(a) ? a : null;
}

function badges(h) {
  const out = [];
  const c = corroboration(h);
  if (c.yes) out.push(el("span", { class: "badge good" }, `corroborated · ${c.n} independent sources`));
  else out.push(el("span", { class: "badge neutral" }, c.n === 1 ? "single source" : `${c.n} sources`));
  const kinds = [...new Set(contradictions(h).map((x) => text(x.kind) || "contradiction"))];
  for (const kind of kinds) out.push(el("span", { class: "badge bad" }, `contradicted: ${kind}`));
  const n = contradictionCount(h);
  if (kinds.length === 0 && n > 0) out.push(el("span", { class: "badge bad" }, `contradicted (${n})`));
  return out;
}

// ---------- lists ----------

function happeningItem(h) {
  const p = place(h);
  const link = el(
    "a",
    { href: "#happening=" + encodeURIComponent(h.id), "data-id": h.id },
    el("div", { class: "title" }, el("span", { class: "event-type" }, text(h.event) || "?"), " ",
      codes(h.actor) || "", codes(h.recipient) ? " → " + codes(h.recipient) : ""),
    el("div", { class: "meta" },
      [dateRange(h.date), p && p.name, `${reportCount(h)} report${reportCount(h) === 1 ? "" : "s"}`]
        .filter(Boolean).join(" · ")),
    el("div", {}, badges(h)),
  );
  return el("li", {}, link);
}

function documentItem(d) {
  const link = el(
    "a",
    { href: "#document=" + encodeURIComponent(d.id), "data-id": d.id },
    el("div", { class: "title" }, d.title || d.id),
    el("div", { class: "meta" },
      [d.date, d.outlet, Array.isArray(d.events) ? `${d.events.length} events` : typeof d.events === "number" ? `${d.events} events` : null]
        .filter(Boolean).join(" · ")),
    d.snippet ? el("div", { class: "meta snippet" }, d.snippet) : null,
  );
  return el("li", {}, link);
}

function totalText(page) {
  return page.total_exact === false ? `${page.total}+` : String(page.total);
}

function pager(nav, page, offsetKey, reload) {
  clear(nav);
  if (page.total <= page.limit) return;
  const prev = el("button", { type: "button", disabled: page.offset === 0 }, "‹ previous");
  const next = el("button", { type: "button", disabled: page.offset + page.limit >= page.total }, "next ›");
  prev.addEventListener("click", () => { state[offsetKey] = Math.max(0, page.offset - page.limit); reload(); });
  next.addEventListener("click", () => { state[offsetKey] = page.offset + page.limit; reload(); });
  const last = Math.min(page.total, page.offset + page.items.length);
  nav.append(prev, el("span", {}, `${page.offset + 1}–${last} of ${totalText(page)}`), next);
}

async function loadHappenings() {
  const list = $("happenings");
  const params = filterParams();
  params.set("limit", String(PAGE));
  params.set("offset", String(state.happeningOffset));
  let page;
  try {
    page = await getJSON("/api/happenings", params);
  } catch (e) {
    clear(list);
    list.append(el("li", { class: "empty" }, e.status === 404 ? "No happenings in this store." : "Happenings: " + e.message));
    state.happenings = [];
    drawTimeline([]);
    drawPoints([]);
    if (e.status !== 404) throw e;
    return;
  }
  clear(list);
  $("happening-count").textContent = `(${totalText(page)})`;
  if (page.items.length === 0) list.append(el("li", { class: "empty" }, "No happening matches."));
  page.items.forEach((h) => { addEventType(text(h.event)); list.append(happeningItem(h)); });
  pager($("happening-pager"), page, "happeningOffset", () => loadHappenings().catch((e) => showError(e.message)));
  // The timeline and map show every match (up to 500), not only this page.
  const all = filterParams();
  all.set("limit", "500");
  const overview = page.total <= page.items.length ? page : await getJSON("/api/happenings", all);
  state.happenings = overview.items;
  drawTimeline(overview.items);
  drawPoints(overview.items);
}

async function loadDocuments() {
  const list = $("documents");
  const params = filterParams();
  params.set("limit", String(PAGE));
  params.set("offset", String(state.documentOffset));
  const page = await getJSON("/api/search", params);
  clear(list);
  $("document-count").textContent = `(${totalText(page)})`;
  if (page.items.length === 0) list.append(el("li", { class: "empty" }, "No document matches."));
  page.items.forEach((d) => list.append(documentItem(d)));
  pager($("document-pager"), page, "documentOffset", () => loadDocuments().catch((e) => showError(e.message)));
}

async function loadAll() {
  showError("");
  try {
    await Promise.all([loadHappenings(), loadDocuments()]);
  } catch (e) {
    showError(e.message);
  }
}

// ---------- timeline ----------

function drawTimeline(items) {
  const root = $("timeline");
  clear(root);
  const W = 800, H = 170, left = 120, right = 12, top = 8, laneH = 32;
  const dated = items.map((h) => ({ h, t: midDate(h) })).filter((x) => x.t !== null);
  for (let q = 1; q <= 4; q++) {
    const y = top + (q - 0.5) * laneH;
    root.append(svg("line", { class: "axis", x1: left, x2: W - right, y1: y, y2: y }));
    root.append(svg("text", { x: 4, y: y + 3 }, QUADS[q]));
  }
  const axisY = top + 4 * laneH + 4;
  root.append(svg("line", { class: "axis", x1: left, x2: W - right, y1: axisY, y2: axisY }));
  if (dated.length === 0) {
    root.append(svg("text", { x: left + 8, y: axisY + 16 }, "no dated happening"));
    return;
  }
  let t0 = Math.min(...dated.map((x) => x.t));
  let t1 = Math.max(...dated.map((x) => x.t));
  const day = 86400000;
  if (t1 - t0 < 2 * day) { t0 -= day; t1 += day; }
  const pad = (t1 - t0) * 0.04;
  t0 -= pad; t1 += pad;
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (W - left - right);
  const labels = new Set();
  for (let k = 0; k <= 4; k++) {
    const t = t0 + ((t1 - t0) * k) / 4;
    const label = new Date(t).toISOString().slice(0, 10);
    if (labels.has(label)) continue;
    labels.add(label);
    root.append(svg("text", { x: Math.min(W - 60, Math.max(left, x(t) - 28)), y: axisY + 14 }, label));
  }
  for (const { h, t } of dated) {
    const q = quad(h) || 0;
    const y = top + ((q || 2.5) - 0.5) * laneH;
    // A happening known only to within several days is drawn as a bar over those days.
    const a = Date.parse((h.date && h.date.earliest) || "");
    const b = Date.parse((h.date && h.date.latest) || "");
    if (Number.isFinite(a) && Number.isFinite(b) && b > a) {
      root.append(svg("line", { class: `range q${q}`, x1: x(a).toFixed(1), x2: x(b + day).toFixed(1), y1: y, y2: y }));
    }
    const r = Math.min(12, 4 + 2 * Math.sqrt(reportCount(h)));
    const dot = svg("circle", { class: `dot q${q}`, cx: x(t).toFixed(1), cy: y, r, "data-id": h.id },
      svg("title", {}, `${text(h.event)} · ${dateRange(h.date)}${place(h) ? " · " + place(h).name : ""}`));
    dot.addEventListener("click", () => { location.hash = "happening=" + encodeURIComponent(h.id); });
    root.append(dot);
  }
  markSelected();
}

// ---------- map ----------

let mapLayer = null;

async function drawMap() {
  const root = $("map");
  clear(root);
  const g = svg("g", {});
  for (let lon = -150; lon <= 150; lon += 30) g.append(svg("line", { class: "graticule", x1: lon + 180, x2: lon + 180, y1: 0, y2: 180 }));
  for (let lat = -60; lat <= 60; lat += 30) g.append(svg("line", { class: "graticule", x1: 0, x2: 360, y1: 90 - lat, y2: 90 - lat }));
  root.append(g);
  try {
    state.world = state.world || (await getJSON("/world.json"));
    const land = svg("g", {});
    for (const c of state.world.countries || []) {
      land.append(svg("path", { class: "land", d: c.d }, svg("title", {}, c.name)));
    }
    root.append(land);
  } catch (e) {
    root.append(svg("text", { x: 10, y: 20 }, "world outline unavailable"));
  }
  mapLayer = svg("g", {});
  root.append(mapLayer);
  enableAreaSelection(root);
  enableZoom(root);
}

// Wheel zooms the map around the pointer; a double click shows the whole world again.
function enableZoom(root) {
  const whole = [0, 0, 360, 180];
  let view = whole.slice();
  const set = () => root.setAttribute("viewBox", view.map((v) => v.toFixed(2)).join(" "));
  root.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const m = root.getScreenCTM();
    if (!m) return;
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    const f = ev.deltaY < 0 ? 0.8 : 1.25;
    const w = Math.min(360, Math.max(9, view[2] * f));
    const h = w / 2;
    const x = Math.min(360 - w, Math.max(0, p.x - ((p.x - view[0]) * w) / view[2]));
    const y = Math.min(180 - h, Math.max(0, p.y - ((p.y - view[1]) * h) / view[3]));
    view = [x, y, w, h];
    set();
  }, { passive: false });
  root.addEventListener("dblclick", () => { view = whole.slice(); set(); });
}

function drawPoints(items) {
  if (!mapLayer) return;
  clear(mapLayer);
  const bbox = parseBBox($("filters").elements.namedItem("bbox").value);
  if (bbox) {
    const w = bbox[2] >= bbox[0] ? bbox[2] - bbox[0] : 360 - bbox[0] + bbox[2];
    mapLayer.append(svg("rect", { class: "selection", x: bbox[0] + 180, y: 90 - bbox[3], width: w, height: bbox[3] - bbox[1] }));
  }
  for (const h of items) {
    const p = place(h);
    if (!p || !p.located) continue;
    const r = Math.min(4, 1.2 + 0.6 * Math.sqrt(reportCount(h)));
    const dot = svg("circle", { class: `point q${quad(h)}`, cx: (p.lon + 180).toFixed(2), cy: (90 - p.lat).toFixed(2), r, "data-id": h.id },
      svg("title", {}, `${text(h.event)} · ${p.name}`));
    dot.addEventListener("click", (ev) => { ev.stopPropagation(); location.hash = "happening=" + encodeURIComponent(h.id); });
    mapLayer.append(dot);
  }
  markSelected();
}

function parseBBox(value) {
  const nums = (value || "").split(",").map((s) => Number(s.trim()));
  return nums.length === 4 && nums.every(Number.isFinite) ? nums : null;
}

function enableAreaSelection(root) {
  let start = null;
  let rect = null;
  const toMap = (ev) => {
    const m = root.getScreenCTM();
    if (!m) return null;
    const pt = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    return { x: Math.max(0, Math.min(360, pt.x)), y: Math.max(0, Math.min(180, pt.y)) };
  };
  root.addEventListener("pointerdown", (ev) => {
    if (ev.target.classList && ev.target.classList.contains("point")) return;
    start = toMap(ev);
    if (!start) return;
    rect = svg("rect", { class: "selection", x: start.x, y: start.y, width: 0, height: 0 });
    root.append(rect);
    root.setPointerCapture(ev.pointerId);
  });
  root.addEventListener("pointermove", (ev) => {
    if (!start || !rect) return;
    const p = toMap(ev);
    if (!p) return;
    rect.setAttribute("x", Math.min(start.x, p.x));
    rect.setAttribute("y", Math.min(start.y, p.y));
    rect.setAttribute("width", Math.abs(p.x - start.x));
    rect.setAttribute("height", Math.abs(p.y - start.y));
  });
  root.addEventListener("pointerup", (ev) => {
    if (!start || !rect) return;
    const p = toMap(ev) || start;
    rect.remove();
    const [x0, x1] = [Math.min(start.x, p.x), Math.max(start.x, p.x)];
    const [y0, y1] = [Math.min(start.y, p.y), Math.max(start.y, p.y)];
    start = null;
    rect = null;
    if (x1 - x0 < 1 || y1 - y0 < 1) return; // a click, not a drag
    const round = (v) => Math.round(v * 10) / 10;
    $("filters").elements.namedItem("bbox").value =
      [round(x0 - 180), round(90 - y1), round(x1 - 180), round(90 - y0)].join(",");
    applyFilters();
  });
}

function markSelected() {
  document.querySelectorAll("[data-id]").forEach((n) => {
    const on = n.getAttribute("data-id") === state.selected;
    if (n instanceof SVGElement) n.classList.toggle("selected", on);
    else n.classList.toggle("current", on);
  });
}

// ---------- evidence highlighting ----------

// Splits `sentence` at the evidence spans (byte offsets into the sentence's UTF-8 form) and
// returns text and <mark> nodes; overlapping spans give a piece every covering role.
function highlighted(sentence, evidence) {
  const bytes = new TextEncoder().encode(sentence || "");
  const decoder = new TextDecoder();
  const spans = (evidence || [])
    .map((e) => ({ role: String(e.role || "evidence"), start: Number(e.start), end: Number(e.end), rule: e.rule }))
    .filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end <= bytes.length && e.start < e.end);
  const cuts = new Set([0, bytes.length]);
  spans.forEach((s) => { cuts.add(s.start); cuts.add(s.end); });
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1]];
    const piece = decoder.decode(bytes.subarray(a, b));
    const roles = [...new Set(spans.filter((s) => s.start <= a && s.end >= b).map((s) => s.role))];
    if (roles.length === 0) nodes.push(document.createTextNode(piece));
    else {
      const mark = el("mark", { class: roles.map((r) => "r-" + r.replace(/[^a-z]/g, "")).join(" "), title: roles.join(", ") });
      mark.textContent = piece;
      nodes.push(mark);
    }
  }
  return nodes;
}

function legend(roles) {
  return el("div", { class: "legend" },
    roles.map((r) => el("mark", { class: "r-" + r }, r)));
}

// The evidence spans of an event of a document record, as byte offsets relative to `base`.
function eventEvidence(ev, base, limit) {
  const out = [];
  const add = (role, v) => {
    if (v && v.span && Number.isInteger(v.span.start) && Number.isInteger(v.span.end)) {
      const s = v.span.start - base;
      const e = v.span.end - base;
      if (s >= 0 && e <= limit) out.push({ role, start: s, end: e });
    }
  };
  add("trigger", ev.trigger);
  (ev.actor || []).forEach((a) => add("actor", a));
  (ev.recipient || []).forEach((a) => add("recipient", a));
  add("date", ev.date);
  add("place", ev.event_loc);
  (ev.attribution || []).forEach((a) => add("source", a));
  for (const [k, v] of Object.entries(ev)) {
    if (v && typeof v === "object" && !Array.isArray(v) && typeof v.value === "number" && v.span && k !== "date") add("quantity", v);
  }
  return out;
}

// The sentence of an event (its `text`, else cut from the document text) and its evidence spans
// relative to it.
function reportSentence(ev, docText) {
  const s = ev.sentence || {};
  const spanOk = Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end;
  let sentence = typeof ev.text === "string" ? ev.text : "";
  if (!sentence && spanOk && docText) {
    const bytes = new TextEncoder().encode(docText);
    if (s.end <= bytes.length) sentence = new TextDecoder().decode(bytes.subarray(s.start, s.end));
  }
  const length = new TextEncoder().encode(sentence).length;
  const evidence = spanOk ? eventEvidence(ev, s.start, length) : [];
  return { sentence, evidence };
}

// The attribution chain, outermost first: the outlet, each source, then the claim.
function chain(outlet, attribution, claim) {
  const box = el("div", { class: "chain", "aria-label": "attribution chain" });
  const links = [];
  const list = Array.isArray(attribution) ? attribution : [];
  const first = list.length ? (typeof list[0] === "string" ? list[0] : list[0].text || "") : "";
  // The outlet heads the chain, unless the chain already starts with it.
  if (outlet && first !== outlet) links.push(el("span", { class: "link outlet" }, outlet, el("span", { class: "kind" }, "outlet")));
  list.forEach((a, k) => {
    const name = typeof a === "string" ? a : a.text || a.name || "";
    const kind = typeof a === "object" && a ? a.kind || "" : "";
    const cls = k === 0 && name === outlet ? "link outlet" : "link";
    links.push(el("span", { class: cls }, name, kind ? el("span", { class: "kind" }, kind) : null));
  });
  links.push(el("span", { class: "link claim" }, claim));
  links.forEach((l, k) => {
    if (k > 0) box.append(el("span", { class: "arrow" }, "→"));
    box.append(l);
  });
  return box;
}

// ---------- detail views ----------

function openDetail() {
  $("detail").hidden = false;
  document.querySelector("main").classList.add("with-detail");
}

function closeDetail() {
  $("detail").hidden = true;
  document.querySelector("main").classList.remove("with-detail");
  state.selected = null;
  markSelected();
}

async function showHappening(id) {
  const body = $("detail-body");
  state.selected = id;
  markSelected();
  openDetail();
  clear(body);
  body.append(el("p", { class: "muted" }, "Loading…"));
  const h = await getJSON("/api/happenings/" + encodeURIComponent(id));
  clear(body);
  const p = place(h);
  body.append(
    el("h2", { id: "detail-title" }, el("span", { class: "event-type" }, text(h.event)),
      Array.isArray(h.mode) && h.mode.length ? ` (${h.mode.join(", ")})` : "",
      h.modality ? " · " + text(h.modality) : ""),
    el("p", { class: "meta" },
      [dateRange(h.date), p && [p.name, p.country].filter(Boolean).join(", "),
        codes(h.actor) && "actor " + codes(h.actor), codes(h.recipient) && "recipient " + codes(h.recipient)]
        .filter(Boolean).join(" · ")),
    el("div", { class: "badges" }, badges(h)),
  );
  const cs = contradictions(h);
  if (cs.length) {
    body.append(el("h3", {}, "Contradictions"),
      el("ul", { class: "contradictions" }, cs.map((c) => el("li", {}, el("strong", {}, text(c.kind)), ": ", text(c.detail)))));
  }
  const groups = h.corroboration && Array.isArray(h.corroboration.sources) ? h.corroboration.sources : [];
  if (groups.length) {
    body.append(el("h3", {}, "Independent sources"),
      el("ul", { class: "sources" }, groups.map((g) => el("li", {},
        [...(g.sources || []), ...(g.outlets || []).map((o) => `via ${o}`)].join(", "),
        ` (${(g.reports || []).length} report${(g.reports || []).length === 1 ? "" : "s"})`))));
  }
  const reasons = Array.isArray(h.merge_reasons) ? h.merge_reasons : [];
  if (reasons.length) {
    body.append(el("details", { class: "reasons" }, el("summary", {}, `Why these reports were merged (${reasons.length})`),
      el("ul", {}, reasons.map((m) => el("li", {}, `${text(m.a)} + ${text(m.b)}: `,
        typeof m.score === "number" ? m.score.toFixed(2) + " — " : "", (m.signals || []).map(text).join("; "))))));
  }
  const reports = Array.isArray(h.report_list) ? h.report_list : Array.isArray(h.reports) ? h.reports : [];
  body.append(el("h3", {}, `Reports (${reports.length})`),
    legend(["trigger", "actor", "recipient", "date", "place", "source", "quantity"]));
  for (const r of reports) {
    const stance = text(r.stance) || "supports";
    const docLink = el("a", { href: "#document=" + encodeURIComponent(r.doc_id || "") }, r.title || "article");
    const { sentence, evidence } = reportSentence(r);
    body.append(el("div", { class: `report ${stance.replace(/[^a-z]/g, "")}`, "data-report": r.key || "" },
      el("div", { class: "meta" },
        [r.outlet, r.story_date || r.reported_date, text(r.event), text(r.modality), stance].filter(Boolean).join(" · "), " · ", docLink),
      chain(r.outlet, r.attribution, text(r.event) || "claim"),
      el("p", { class: "sentence" }, highlighted(sentence, evidence))));
  }
}

async function showDocument(id) {
  const body = $("detail-body");
  state.selected = id;
  markSelected();
  openDetail();
  clear(body);
  body.append(el("p", { class: "muted" }, "Loading…"));
  const d = await getJSON("/api/documents/" + encodeURIComponent(id));
  clear(body);
  const url = typeof d.url === "string" && /^https?:\/\//i.test(d.url) ? d.url : null;
  body.append(
    el("h2", { id: "detail-title" }, d.title || d.id),
    el("p", { class: "meta" }, [d.date, d.outlet].filter(Boolean).join(" · "), url ? " · " : "",
      url ? el("a", { href: url, rel: "noreferrer noopener", target: "_blank" }, "source") : null),
  );
  const events = Array.isArray(d.event_list) ? d.event_list : Array.isArray(d.events) ? d.events : [];
  const docText = typeof d.text === "string" ? d.text : "";
  if (events.length) {
    body.append(el("h3", {}, `Events (${events.length})`),
      legend(["trigger", "actor", "recipient", "date", "place", "source", "quantity"]));
    for (const ev of events) {
      const { sentence, evidence } = reportSentence(ev, docText);
      const happening = ev.happening_id
        ? el("a", { href: "#happening=" + encodeURIComponent(ev.happening_id) }, "happening") : null;
      body.append(el("div", { class: "report" },
        el("div", { class: "meta" }, [text(ev.event), codes(ev.actor), codes(ev.recipient) && "→ " + codes(ev.recipient), dateRange(ev.date), ev.event_loc && ev.event_loc.name, text(ev.modality)].filter(Boolean).join(" · "),
          happening ? " · " : "", happening),
        chain(d.outlet, ev.attribution, text(ev.event) || "claim"),
        el("p", { class: "sentence" }, highlighted(sentence, evidence))));
    }
  }
  body.append(el("h3", {}, "Text"), el("div", { class: "text", id: "document-text" }, docText));
}

async function route() {
  const hash = location.hash.replace(/^#/, "");
  const params = new URLSearchParams(hash);
  try {
    if (params.get("happening")) await showHappening(params.get("happening"));
    else if (params.get("document")) await showDocument(params.get("document"));
    else closeDetail();
  } catch (e) {
    clear($("detail-body"));
    $("detail-body").append(el("p", { class: "error" }, e.message));
  }
}

// ---------- start ----------

function applyFilters() {
  const params = filterParams();
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  state.happeningOffset = 0;
  state.documentOffset = 0;
  return loadAll();
}

async function loadStats() {
  try {
    const s = await getJSON("/api/stats");
    $("stats").textContent = `${s.documents} documents · ${s.events} events` +
      (typeof s.happenings === "number" ? ` · ${s.happenings} happenings` : "");
  } catch (e) {
    $("stats").textContent = "";
  }
}

async function loadEventTypes() {
  try {
    const page = await getJSON("/api/happenings", new URLSearchParams({ limit: "500" }));
    page.items.forEach((h) => addEventType(text(h.event)));
  } catch (_) {
    // no happenings: the select keeps "any"
  }
}

async function start() {
  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); applyFilters(); });
  $("clear-filters").addEventListener("click", () => { $("filters").reset(); applyFilters(); });
  $("close").addEventListener("click", () => { history.replaceState(null, "", location.pathname + location.search); closeDetail(); });
  window.addEventListener("hashchange", route);
  await loadEventTypes();
  filtersFromUrl();
  await drawMap();
  await Promise.all([loadStats(), loadAll(), route()]);
  document.body.setAttribute("data-ready", "true");
}

document.addEventListener("DOMContentLoaded", start);
