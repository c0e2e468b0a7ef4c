// Side-by-side line diff of two response bodies. JSON is pretty-printed first (WordPress answers
// on one line); HTML is broken at tags. Common head and tail are trimmed, the middle diffed by LCS
// (or shown as one changed block when too large), and long identical runs are folded.
import { h } from "./dom.js";

const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

export function bodyLines(text) {
  if (text === null || text === undefined) return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2).split("\n");
  } catch {
    return text.replace(/>\s*</g, ">\n<").split("\n");
  }
}

function lcsOps(a, b) {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [...a.map((_, i) => ["del", i, -1]), ...b.map((_, j) => ["add", -1, j])];
  }
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j]
          ? table[(i + 1) * width + j + 1] + 1
          : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push(["same", i++, j++]);
    else if (j >= m || (i < n && table[(i + 1) * width + j] >= table[i * width + j + 1])) ops.push(["del", i++, -1]);
    else ops.push(["add", -1, j++]);
  }
  return ops;
}

// Rows of [kind, leftIndex, rightIndex]; a run of deletions next to additions pairs up as "change".
export function diffRows(a, b) {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middle = lcsOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail)).map(([k, i, j]) => [
    k,
    i < 0 ? -1 : i + head,
    j < 0 ? -1 : j + head,
  ]);
  const ops = [
    ...Array.from({ length: head }, (_, i) => ["same", i, i]),
    ...middle,
    ...Array.from({ length: tail }, (_, t) => ["same", a.length - tail + t, b.length - tail + t]),
  ];
  const rows = [];
  for (let k = 0; k < ops.length;) {
    if (ops[k][0] === "same") {
      rows.push(ops[k++]);
      continue;
    }
    const dels = [];
    const adds = [];
    while (k < ops.length && ops[k][0] !== "same") (ops[k][0] === "del" ? dels : adds).push(ops[k++]);
    for (let p = 0; p < Math.max(dels.length, adds.length); p++) {
      const left = dels[p] ? dels[p][1] : -1;
      const right = adds[p] ? adds[p][2] : -1;
      rows.push([left >= 0 && right >= 0 ? "change" : left >= 0 ? "del" : "add", left, right]);
    }
  }
  return rows;
}

function foldIdentical(rows) {
  const keep = rows.map((row) => row[0] !== "same");
  rows.forEach((row, index) => {
    if (row[0] === "same") return;
    for (let d = -CONTEXT; d <= CONTEXT; d++) if (rows[index + d]) keep[index + d] = true;
  });
  const out = [];
  for (let index = 0; index < rows.length;) {
    if (keep[index]) {
      out.push(rows[index++]);
      continue;
    }
    let end = index;
    while (end < rows.length && !keep[end]) end++;
    out.push(["fold", end - index]);
    index = end;
  }
  return out;
}

const cell = (lines, index, kind) => [
  h("td", { class: "ln" }, index >= 0 ? index + 1 : ""),
  h("td", { class: `code ${kind}` }, index >= 0 ? lines[index] : ""),
];

export function sideBySide(legacyText, candidateText) {
  const left = bodyLines(legacyText);
  const right = bodyLines(candidateText);
  if (left === null || right === null) return h("p", { class: "muted" }, "No bodies stored for this comparison.");
  if (!legacyText && !candidateText) return h("p", { class: "muted" }, "Both bodies are empty.");
  const rows = foldIdentical(diffRows(left, right));
  const changed = rows.filter((row) => row[0] !== "same" && row[0] !== "fold").length;
  return h(
    "div",
    { class: "diff-wrap" },
    h("p", { class: "muted" }, changed ? `${changed} differing lines` : "Bodies are identical line by line."),
    h(
      "table",
      { class: "diff" },
      h("colgroup", {}, h("col", { class: "ln" }), h("col"), h("col", { class: "ln" }), h("col")),
      h("thead", {}, h("tr", {}, h("th", { colspan: 2 }, "WordPress"), h("th", { colspan: 2 }, "Service"))),
      h(
        "tbody",
        {},
        rows.map((row) =>
          row[0] === "fold"
            ? h("tr", { class: "fold" }, h("td", { colspan: 4 }, `… ${row[1]} identical lines …`))
            : h(
                "tr",
                {},
                cell(left, row[1], row[0] === "add" ? "empty" : row[0]),
                cell(right, row[2], row[0] === "del" ? "empty" : row[0]),
              ),
        ),
      ),
    ),
  );
}
