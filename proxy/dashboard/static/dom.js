// A tiny DOM builder: text always goes through text nodes, never innerHTML, so response bodies
// and paths from the store cannot inject markup.
const SVG = "http://www.w3.org/2000/svg";

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class" && !(el instanceof SVGElement)) el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

export function replace(container, ...children) {
  container.replaceChildren();
  return build(container, {}, children);
}

export function percent(value) {
  if (value === null || value === undefined) return "–";
  return `${Number(value.toFixed(2))}%`;
}

export function ms(value) {
  if (value === null || value === undefined) return "–";
  if (Number.isInteger(value) || value >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}

export const count = (value) => (value === null || value === undefined ? "–" : Number(value).toLocaleString("en"));

export function clock(ts) {
  return new Date(ts * 1000).toLocaleTimeString("en-GB", { hour12: false });
}

export function parityClass(value) {
  if (value === null || value === undefined) return "";
  if (value >= 99.9) return "good";
  return value >= 95 ? "warn" : "bad";
}

// `$[3].date` and `$[7].date` are one field: ignore patterns use `[*]` (as proxy.parity does).
export const generalise = (path) => (path.startsWith("$") ? path.replace(/\[\d+\]/g, "[*]") : path);
