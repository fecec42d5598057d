// Service graph -> a stable model (nodes keyed by type and name, edges by their ends) and its ELK
// layout. Nodes and edges are sorted by id and ELK keeps that model order, so the same graph always
// gets the same positions; sizes never depend on the numbers shown, so new traffic moves nothing.

export const RING_R = 30; // ring radius (centre of the stroke)
export const NODE_BOX = 76; // square box ELK places; the ring sits in its centre
export const LABEL_W = 132;
export const LABEL_H = 48;

// ELK is a large module: it is evaluated (and its engine started) on first use, not at page load,
// so the traces and timeline pages never pay for it. It stays in the one bundle.
let elkPromise = null;
export function loadElk() {
  elkPromise ??= import("elkjs/lib/elk.bundled.js").then((m) => new (m.default ?? m)());
  return elkPromise;
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

// Layouts already computed, by graph structure (the layout is a pure function of it), so a reload
// or a return to the map draws at once without starting ELK. A few recent ones are kept.
const CACHE_KEY = "localray.console.layouts.v1";
const CACHE_SIZE = 8;

function cached(structure) {
  try {
    const list = JSON.parse(localStorage.getItem(CACHE_KEY) ?? "[]");
    const hit = Array.isArray(list) ? list.find((e) => e.structure === structure) : undefined;
    if (!hit) return undefined;
    return { nodes: new Map(hit.nodes), width: hit.width, height: hit.height };
  } catch {
    return undefined;
  }
}

function remember(structure, lay) {
  try {
    const list = JSON.parse(localStorage.getItem(CACHE_KEY) ?? "[]");
    const rest = (Array.isArray(list) ? list : []).filter((e) => e.structure !== structure).slice(0, CACHE_SIZE - 1);
    const entry = { structure, nodes: [...lay.nodes], width: lay.width, height: lay.height };
    localStorage.setItem(CACHE_KEY, JSON.stringify([entry, ...rest]));
  } catch {
    /* storage full or unavailable: layouts are just recomputed */
  }
}

/** Positions {nodes: Map(id -> {x, y}), width, height} for a model. */
export async function layout(model) {
  const hit = cached(model.structure);
  if (hit && model.nodes.every((n) => hit.nodes.has(n.id))) return hit;
  const lay = await computeLayout(model);
  remember(model.structure, lay);
  return lay;
}

async function computeLayout(model) {
  const graph = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.randomSeed": "1",
      "elk.spacing.nodeNode": "34",
      "elk.layered.spacing.nodeNodeBetweenLayers": "84",
      "elk.layered.spacing.edgeNodeBetweenLayers": "40",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.crossingMinimization.forceNodeModelOrder": "false",
      "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
      "elk.layered.cycleBreaking.strategy": "DEPTH_FIRST",
      "elk.separateConnectedComponents": "true",
      "elk.spacing.componentComponent": "60",
      "elk.padding": "[top=24,left=24,bottom=24,right=24]",
    },
    children: model.nodes.map((n) => ({
      id: n.id,
      width: NODE_BOX,
      height: NODE_BOX,
      layoutOptions: { "elk.nodeLabels.placement": "OUTSIDE V_BOTTOM H_CENTER" },
      labels: [{ id: `${n.id}:label`, text: "label", width: LABEL_W, height: LABEL_H }],
    })),
    edges: model.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const elk = await loadElk();
  const out = await elk.layout(graph);
  const nodes = new Map();
  for (const c of out.children ?? []) nodes.set(c.id, { x: Math.round(c.x), y: Math.round(c.y) });
  return { nodes, width: out.width, height: out.height };
}
