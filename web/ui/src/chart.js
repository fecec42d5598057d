// Response-time histograms drawn with uPlot: bars over equal-width bins, an optional selection
// (drag across bars, or click one) reported as a [from, to] range in seconds.
import uPlot from "uplot";
import { h } from "./dom.js";
import { duration } from "./format.js";

/**
 * Equal-width bins over weighted samples [{value (s), count}].
 * Returns {edges: [n+1 seconds], counts: [n]}.
 */
export function bin(samples, maxBins = 24) {
  const xs = samples.filter((p) => Number.isFinite(p.value) && p.count > 0);
  if (!xs.length) return { edges: [0, 0.001], counts: [0] };
  let lo = Math.min(...xs.map((p) => p.value));
  let hi = Math.max(...xs.map((p) => p.value));
  lo = Math.max(0, lo);
  if (hi - lo < 1e-6) hi = lo + Math.max(lo * 0.1, 0.0005);
  const distinct = new Set(xs.map((p) => p.value)).size;
  const n = Math.max(1, Math.min(maxBins, Math.max(8, distinct)));
  const width = (hi - lo) / n;
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + i * width);
  const counts = new Array(n).fill(0);
  for (const p of xs) counts[Math.min(n - 1, Math.floor((p.value - lo) / width))] += p.count;
  return { edges, counts };
}

/**
 * Draws a histogram into `container` (cleared). options: {height, color, onSelect(range|null),
 * unit: "traces"|"requests", testid}. Returns {destroy(), clearSelection()}.
 */
export function histogram(container, samples, options = {}) {
  const { edges, counts } = bin(samples, options.maxBins);
  const centers = counts.map((_, i) => ((edges[i] + edges[i + 1]) / 2) * 1000);
  const color = options.color ?? "#3b82f6";
  const unit = options.unit ?? "requests";
  const tip = h("div", { class: "chart-tip", hidden: true });
  const host = h("div", { class: "chart-host" });
  container.replaceChildren(host, tip);
  if (options.testid) container.setAttribute("data-testid", options.testid);
  container.setAttribute("data-bins", String(counts.length));
  container.setAttribute("data-total", String(counts.reduce((a, b) => a + b, 0)));

  const width = () => Math.max(160, container.clientWidth || 320);
  let dragged = false;
  const binAt = (ms) => Math.max(0, Math.min(counts.length - 1, Math.floor((ms / 1000 - edges[0]) / (edges[1] - edges[0]))));

  const select = (a, b) => {
    const lo = Math.min(a, b), hi = Math.max(a, b);
    const left = u.valToPos(edges[lo] * 1000, "x");
    const right = u.valToPos(edges[hi + 1] * 1000, "x");
    u.setSelect({ left, width: right - left, top: 0, height: u.bbox.height / devicePixelRatio }, false);
    options.onSelect?.({ from: edges[lo], to: edges[hi + 1], fromBin: lo, toBin: hi });
  };

  const u = new uPlot(
    {
      width: width(),
      height: options.height ?? 160,
      legend: { show: false },
      padding: [8, 28, 0, 0],
      cursor: {
        drag: { x: !!options.onSelect, y: false, setScale: false },
        points: { show: false },
        y: false,
      },
      scales: {
        x: { time: false, range: () => [edges[0] * 1000, edges[edges.length - 1] * 1000] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        {
          stroke: "#64748b",
          grid: { show: false },
          ticks: { stroke: "#cbd5e1", size: 4 },
          size: 30,
          space: 70,
          font: "11px system-ui, sans-serif",
          values: (_u, ticks) => ticks.map((t) => duration(t / 1000)),
        },
        {
          stroke: "#64748b",
          grid: { stroke: "#eef2f7" },
          ticks: { show: false },
          size: 36,
          font: "11px system-ui, sans-serif",
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")),
        },
      ],
      series: [
        {},
        {
          label: unit,
          stroke: color,
          fill: color + "cc",
          width: 0,
          paths: uPlot.paths.bars({ size: [0.86, 60], align: 0 }),
          points: { show: false },
        },
      ],
      hooks: {
        setCursor: [
          (self) => {
            const i = self.cursor.idx;
            if (i === null || i === undefined || self.cursor.left < 0) {
              tip.hidden = true;
              return;
            }
            tip.hidden = false;
            tip.textContent = `${duration(edges[i])} – ${duration(edges[i + 1])}: ${counts[i]} ${unit}`;
            const x = Math.min(self.cursor.left + 12, width() - 180);
            tip.style.left = `${Math.max(0, x)}px`;
          },
        ],
        setSelect: [
          (self) => {
            if (!options.onSelect || self.select.width < 2) return;
            dragged = true;
            const a = binAt(self.posToVal(self.select.left, "x"));
            const b = binAt(self.posToVal(self.select.left + self.select.width, "x"));
            select(a, b);
          },
        ],
      },
    },
    [centers, counts],
    host,
  );

  if (options.onSelect) {
    u.over.addEventListener("click", () => {
      if (dragged) {
        dragged = false;
        return;
      }
      const i = u.cursor.idx;
      if (i === null || i === undefined) return;
      select(i, i);
    });
    u.over.addEventListener("mousedown", () => (dragged = false));
  }

  const resize = new ResizeObserver(() => {
    const w = width();
    if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
  });
  resize.observe(container);

  return {
    plot: u,
    edges,
    counts,
    /** Re-shows a selection by seconds range (after a redraw). */
    showSelection(range) {
      if (!range) return;
      const a = binAt(range.from * 1000 + 1e-9), b = binAt(range.to * 1000 - 1e-9);
      const left = u.valToPos(edges[a] * 1000, "x");
      const right = u.valToPos(edges[b + 1] * 1000, "x");
      u.setSelect({ left, width: right - left, top: 0, height: u.bbox.height / devicePixelRatio }, false);
    },
    clearSelection() {
      u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
    },
    destroy() {
      resize.disconnect();
      u.destroy();
    },
  };
}
