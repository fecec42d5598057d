// ES modules ignore NODE_PATH, yet on Lambda an ES module handler imports the SDK its runtime
// bundles (and a layer's packages) without installing them. A bare specifier the handler's own
// folders do not have is looked up in the NODE_PATH folders, in order.
import { pathToFileURL } from "node:url";
import path from "node:path";

const folders = (process.env.NODE_PATH || "").split(":").filter(Boolean);

function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !isBare(specifier)) throw err;
    for (const folder of folders) {
      // Resolving from a file beside `folder` makes `folder` the first node_modules looked in.
      const parentURL = pathToFileURL(path.join(path.dirname(folder), "localray-esm-parent.mjs")).href;
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // the next folder
      }
    }
    throw err;
  }
}
