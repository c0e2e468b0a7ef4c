// Line charts as inline SVG: time on x, one polyline per series, hover titles on the points.
import { clock, s } from "./dom.js";

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 52, right: 12, top: 12, bottom: 26 };

function ticks(min, max, n) {
  const step = (max - min) / n;
  return Array.from({ length: n + 1 }, (_, i) => min + i * step);
}

// series: [{label, color, dashed, points: [[t, value], ...]}]; yMax fixes the top (e.g. 100 for %).
export function lineChart({ title, series, unit, yMax, xRange }) {
  const points = series.flatMap((serie) => serie.points.filter((p) => p[1] !== null && p[1] !== undefined));
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart", role: "img", "aria-label": title });
  if (!points.length) {
    svg.append(
      s(
        "text",
        { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle", class: "axis" },
        "no comparisons in this window",
      ),
    );
    return svg;
  }
  const t0 = xRange ? xRange[0] : Math.min(...points.map((p) => p[0]));
  const t1 = xRange ? xRange[1] : Math.max(...points.map((p) => p[0]), t0 + 1);
  const top = yMax ?? (Math.max(...points.map((p) => p[1])) * 1.1 || 1);
  const bottom = yMax === 100 ? Math.min(0, ...points.map((p) => p[1])) : 0;
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - ((v - bottom) / (top - bottom || 1)) * (HEIGHT - PAD.top - PAD.bottom);
  for (const value of ticks(bottom, top, 4)) {
    svg.append(
      s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: "grid" }),
      s(
        "text",
        { x: PAD.left - 6, y: y(value) + 4, "text-anchor": "end", class: "axis" },
        `${+value.toFixed(1)}${unit}`,
      ),
    );
  }
  ticks(t0, t1, 3).forEach((t, i, all) => {
    const anchor = i === 0 ? "start" : i === all.length - 1 ? "end" : "middle";
    svg.append(s("text", { x: x(t), y: HEIGHT - 8, "text-anchor": anchor, class: "axis" }, clock(t)));
  });
  for (const serie of series) {
    const valid = serie.points.filter((p) => p[1] !== null && p[1] !== undefined);
    const attrs = { points: valid.map((p) => `${x(p[0])},${y(p[1])}`).join(" "), stroke: serie.color, class: "line" };
    if (serie.dashed) attrs["stroke-dasharray"] = "5 4";
    svg.append(s("polyline", attrs));
    for (const [t, v] of valid) {
      svg.append(
        s(
          "circle",
          { cx: x(t), cy: y(v), r: 2.5, fill: serie.color },
          s("title", {}, `${serie.label} ${clock(t)}: ${+v.toFixed(2)}${unit}`),
        ),
      );
    }
  }
  return svg;
}

export function legend(series) {
  return s(
    "svg",
    { viewBox: `0 0 ${WIDTH} 18`, class: "legend" },
    series.map((serie, i) => [
      s("line", {
        x1: PAD.left + i * 130,
        x2: PAD.left + i * 130 + 18,
        y1: 9,
        y2: 9,
        stroke: serie.color,
        class: "line",
        "stroke-dasharray": serie.dashed ? "5 4" : null,
      }),
      s("text", { x: PAD.left + i * 130 + 24, y: 13, class: "axis" }, serie.label),
    ]),
  );
}
