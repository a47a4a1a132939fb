// node:fs as it is, plus the globSync that Node 20 lacks (see globSyncShim.mjs).
import fs from "node:fs";

export * from "node:fs";
export default fs;
export function globSync() {
  throw new Error("fs.globSync is not available on this Node version (baton's conformance shim)");
}
