// Node 20 has no fs.globSync, which @modelcontextprotocol/conformance imports by name (only for a
// command baton does not run). Loaded with `node --import`, this gives its `fs` imports a module
// that re-exports node:fs plus a globSync that says so; on Node 22+ it does nothing.
import fs from "node:fs";
import { register } from "node:module";

if (typeof fs.globSync !== "function") {
  const shim = new URL("./fsWithGlobSync.mjs", import.meta.url).href;
  const hooks = `export async function resolve(specifier, context, next) {
    if ((specifier === "fs" || specifier === "node:fs") && context.parentURL !== ${JSON.stringify(shim)}) return { url: ${JSON.stringify(shim)}, shortCircuit: true };
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
