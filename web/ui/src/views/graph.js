// Service graph -> a stable model (nodes keyed by type and name, edges by their ends) and its
// layered layout, left to right, by dagre. Nodes and edges go into dagre sorted by id and every
// spacing is fixed, so the same graph always gets the same positions; sizes never depend on the
// numbers shown, so new traffic moves nothing. dagre is small (about 50 KiB) and synchronous (tens
// of milliseconds for the pattern's 24 nodes, on first use), so nothing is cached or loaded lazily.
import { graphlib, layout as dagreLayout } from "@dagrejs/dagre";

export const RING_R = 30; // ring radius (centre of the stroke)
export const NODE_BOX = 76; // square box around the ring; positions are its top left corner
export const LABEL_W = 132; // name, type and numbers under the ring
export const LABEL_H = 48;

const NODE_W = LABEL_W; // the box dagre places: the ring with its label under it
const NODE_H = NODE_BOX + LABEL_H;
const MARGIN = 24;

// The console once kept ELK layouts here; they are of no use any more.
try {
  localStorage.removeItem("localray.console.layouts.v1");
} catch {
  /* storage unavailable */
}

export function nodeId(svc) {
  return `${svc.Type ?? ""}::${svc.Name ?? ""}`;
}

/** {nodes: [{id, svc}], edges: [{id, source, target, edge}], structure: string} */
export function buildModel(resp) {
  const services = resp?.Services ?? [];
  const ids = new Map();
  const taken = new Set();
  for (const svc of services) {
    let id = nodeId(svc);
    for (let n = 2; taken.has(id); n++) id = `${nodeId(svc)}#${n}`;
    taken.add(id);
    ids.set(svc.ReferenceId, id);
  }
  const nodes = services.map((svc) => ({ id: ids.get(svc.ReferenceId), svc }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = [];
  const seen = new Set();
  for (const svc of services) {
    for (const edge of svc.Edges ?? []) {
      const target = ids.get(edge.ReferenceId);
      if (target === undefined) continue;
      const source = ids.get(svc.ReferenceId);
      const id = `${source}->${target}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, source, target, edge, from: byId.get(source).svc, to: byId.get(target).svc });
    }
  }
  const cmp = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  nodes.sort(cmp);
  edges.sort(cmp);
  const structure = JSON.stringify([nodes.map((n) => n.id), edges.map((e) => e.id)]);
  return { nodes, edges, structure };
}

/** Positions {nodes: Map(id -> {x, y}), width, height} for a model; x, y: top left of the ring's box. */
export function layout(model) {
  const g = new graphlib.Graph({ directed: true, multigraph: false, compound: false });
  g.setGraph({
    rankdir: "LR",
    ranker: "network-simplex",
    nodesep: 34, // between nodes of one layer (vertical)
    ranksep: 84, // between layers (horizontal), room for an edge label
    edgesep: 20,
    marginx: MARGIN,
    marginy: MARGIN,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of model.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of model.edges) if (e.source !== e.target) g.setEdge(e.source, e.target, { minlen: 1, weight: 1 });
  if (model.nodes.length) dagreLayout(g);
  const nodes = new Map();
  for (const n of model.nodes) {
    const c = g.node(n.id); // centre of the NODE_W x NODE_H box; the ring sits at its top
    nodes.set(n.id, { x: Math.round(c.x - NODE_BOX / 2), y: Math.round(c.y - NODE_H / 2) });
  }
  const size = g.graph();
  return { nodes, width: Math.round(size.width ?? 2 * MARGIN), height: Math.round(size.height ?? 2 * MARGIN) };
}
