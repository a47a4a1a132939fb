/** Reading the MCP registry (mcp.json): the file part; parsing and lookup are src/mcp/registry.ts. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  emptyRegistry,
  type McpRegistry,
  type RegistrySource,
  registryFromObject,
  registryFromText,
  registryReadError,
} from "../../src/mcp/registry.js";

/** Loads the registry. `undefined` means `./mcp.json` in `cwd` when that file exists, else an empty registry. */
export async function loadRegistry(source: RegistrySource | undefined, cwd: string = process.cwd()): Promise<McpRegistry> {
  if (source !== undefined && typeof source !== "string") return registryFromObject(source, cwd);
  const file = source === undefined ? path.join(cwd, "mcp.json") : path.resolve(cwd, source);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (source === undefined && (error as NodeJS.ErrnoException).code === "ENOENT") return emptyRegistry(cwd);
    throw registryReadError(file, error);
  }
  return registryFromText(text, file);
}
