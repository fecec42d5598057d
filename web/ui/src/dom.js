// Tiny DOM builders. Every string child becomes a text node and every prop an attribute or a
// property set through the DOM API, so data from traces can never turn into markup.
const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, props) {
  if (!props) return;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "style" && typeof value === "object") {
      for (const [p, v] of Object.entries(value)) if (v !== undefined && v !== null) el.style.setProperty(p, String(v));
    } else if (key === "ref" && typeof value === "function") {
      value(el);
    } else if (key === "value" || key === "checked" || key === "selected" || key === "disabled") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** HTML element: h("div", {class: "x", "data-testid": "y", onClick}, "text", child, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** SVG element, same conventions as h(). */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replaceChildren(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}
