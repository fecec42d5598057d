// Node kinds of the service map: a label, an accent colour and a line icon drawn in a 24x24 box.
import { s } from "./dom.js";

const KINDS = {
  client: { label: "Client", color: "#475569", paths: ["M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z", "M4.5 20.5c.8-3.8 3.8-6 7.5-6s6.7 2.2 7.5 6"] },
  "AWS::ApiGateway::Stage": {
    label: "API Gateway stage",
    color: "#7c3aed",
    paths: ["M8 6l-5 6 5 6", "M16 6l5 6-5 6", "M13.5 4.5l-3 15"],
  },
  "AWS::SNS": { label: "SNS", color: "#db2777", paths: ["M12 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4z", "M8 8a5.6 5.6 0 0 0 0 8", "M16 8a5.6 5.6 0 0 1 0 8", "M5 5a9.9 9.9 0 0 0 0 14", "M19 5a9.9 9.9 0 0 1 0 14"] },
  "AWS::SQS::Queue": {
    label: "SQS queue",
    color: "#c026d3",
    paths: ["M3.5 7.5h17v9h-17z", "M8.5 7.5v9", "M13.5 7.5v9", "M17 4.5l3.5 3"],
  },
  "AWS::DynamoDB::Table": {
    label: "DynamoDB table",
    color: "#2563eb",
    paths: ["M5 6c0-1.7 3.1-3 7-3s7 1.3 7 3-3.1 3-7 3-7-1.3-7-3z", "M5 6v12c0 1.7 3.1 3 7 3s7-1.3 7-3V6", "M5 12c0 1.7 3.1 3 7 3s7-1.3 7-3"],
  },
  remote: {
    label: "Remote",
    color: "#0f766e",
    paths: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M3 12h18", "M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9c-2.5-2.6-3.7-5.6-3.7-9S9.5 5.6 12 3z"],
  },
  "AWS::Lambda": { label: "Lambda service", color: "#ea580c", paths: ["M6 20l5.2-10", "M7 4h3.2L17 19.5h2.5"] },
  "AWS::Lambda::Function": {
    label: "Lambda function",
    color: "#ea580c",
    paths: ["M3.5 3.5h17v17h-17z", "M8 17.5l3.6-6.5", "M8.5 6.5h2.3l4.7 11h1.8"],
  },
  generic: { label: "Service", color: "#64748b", paths: ["M12 2.8l8 4.6v9.2l-8 4.6-8-4.6V7.4z", "M12 12l8-4.6", "M12 12v9.2", "M12 12L4 7.4"] },
};

const SYNONYMS = {
  "AWS::SNS::Topic": "AWS::SNS",
  "AWS::SQS": "AWS::SQS::Queue",
  "AWS::DynamoDB": "AWS::DynamoDB::Table",
  "AWS::ApiGateway": "AWS::ApiGateway::Stage",
  "AWS::Lambda::Function": "AWS::Lambda::Function",
};

export function kindOf(type) {
  const key = SYNONYMS[type] ?? type;
  if (KINDS[key]) return { key, ...KINDS[key], label: type === "AWS::SNS::Topic" ? "SNS topic" : KINDS[key].label };
  return { key: "generic", ...KINDS.generic, label: type || KINDS.generic.label };
}

/** An <svg> icon for a node type; size in px. */
export function icon(type, size = 24, color) {
  const k = kindOf(type);
  return s(
    "svg",
    { viewBox: "0 0 24 24", width: size, height: size, fill: "none", stroke: color ?? k.color, "stroke-width": 1.8, "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true" },
    k.paths.map((d) => s("path", { d })),
  );
}

/** The same icon as a <g> placed with its centre at (cx, cy), for use inside the map's SVG. */
export function iconGroup(type, cx, cy, size = 24) {
  const k = kindOf(type);
  const scale = size / 24;
  return s(
    "g",
    { transform: `translate(${cx - size / 2} ${cy - size / 2}) scale(${scale})`, fill: "none", stroke: k.color, "stroke-width": 1.8, "stroke-linecap": "round", "stroke-linejoin": "round", class: "node-icon" },
    k.paths.map((d) => s("path", { d })),
  );
}
