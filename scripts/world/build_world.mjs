// Builds data/world/world.json, the world outline the web UI draws its map with, from the
// Natural Earth 1:110m country outlines as packaged (TopoJSON) by the npm package world-atlas.
//
//   cd scripts/world && npm ci && node build_world.mjs
//
// Output: one SVG path per country in an equirectangular projection whose plane is
// x = longitude + 180, y = 90 - latitude (a 360 x 180 box), coordinates rounded to 0.1 degree,
// first point absolute and the rest relative (SVG `m`/`l`), rings closed with `z`.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const input = join(here, "node_modules", "world-atlas", "countries-110m.json");
const output = join(here, "..", "..", "data", "world", "world.json");
const atlasVersion = JSON.parse(
  readFileSync(join(here, "node_modules", "world-atlas", "package.json"), "utf8"),
).version;

const topology = JSON.parse(readFileSync(input, "utf8"));
const [sx, sy] = topology.transform.scale;
const [tx, ty] = topology.transform.translate;

// Each arc as absolute [lon, lat] points (TopoJSON arcs are quantized and delta-encoded).
const arcs = topology.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * sx + tx, y * sy + ty];
  });
});

// A ring: its arcs joined, a negative index ~i standing for arc i reversed.
function ring(indexes) {
  const points = [];
  for (const index of indexes) {
    const arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
    arc.forEach((p, k) => {
      if (k > 0 || points.length === 0) points.push(p);
    });
  }
  return points;
}

// Tenths of a degree in the projected plane.
const tenths = ([lon, lat]) => [Math.round((lon + 180) * 10), Math.round((90 - lat) * 10)];
const fmt = (v) => {
  const s = (v / 10).toFixed(1).replace(/\.0$/, "");
  return s.startsWith("0.") ? s.slice(1) : s.startsWith("-0.") ? "-" + s.slice(2) : s;
};

// The SVG path data of one ring, or "" when it shrinks to less than a triangle.
function ringPath(points) {
  const q = [];
  for (const p of points.map(tenths)) {
    const last = q[q.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) q.push(p);
  }
  if (q.length > 1 && q[0][0] === q[q.length - 1][0] && q[0][1] === q[q.length - 1][1]) q.pop();
  if (q.length < 3) return "";
  let d = `M${fmt(q[0][0])} ${fmt(q[0][1])}l`;
  const steps = [];
  for (let k = 1; k < q.length; k++) {
    steps.push(`${fmt(q[k][0] - q[k - 1][0])} ${fmt(q[k][1] - q[k - 1][1])}`);
  }
  return d + steps.join(" ").replace(/ -/g, "-") + "z";
}

const countries = [];
for (const g of topology.objects.countries.geometries) {
  const polygons = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
  const d = polygons
    .flatMap((rings) => rings.map((r) => ringPath(ring(r))))
    .filter(Boolean)
    .join("");
  if (!d) continue;
  countries.push({ id: g.id ?? "", name: g.properties?.name ?? "", d });
}
countries.sort((a, b) => (a.id + a.name).localeCompare(b.id + b.name));

const out = {
  source: `Natural Earth 1:110m Admin 0 countries (public domain), via world-atlas ${atlasVersion}`,
  projection: "equirectangular: x = longitude + 180, y = 90 - latitude",
  width: 360,
  height: 180,
  countries,
};
writeFileSync(output, JSON.stringify(out) + "\n");
console.log(`wrote ${countries.length} countries to ${output}`);
