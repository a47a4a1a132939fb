/**
 * Token stores: the default file under the user's config directory (mode 0600 in a 0700
 * directory, written whole to a temporary file and renamed, so a crash never leaves half a
 * file), and one in memory (tests, and programs that keep nothing).
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { BatonError } from "../../../src/errors.js";
import type { McpAuthRecord, McpTokenStore } from "../../../src/mcp/auth/store.js";

interface TokenFile {
  version: 1;
  servers: Record<string, McpAuthRecord>;
}

/** `$XDG_CONFIG_HOME/baton/mcp-auth.json` (`~/.config/…`; `%APPDATA%\baton\…` on Windows). */
export function defaultTokenFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base =
    process.platform === "win32"
      ? (env["APPDATA"] ?? path.join(homedir(), "AppData", "Roaming"))
      : env["XDG_CONFIG_HOME"] || path.join(homedir(), ".config");
  return path.join(base, "baton", "mcp-auth.json");
}

/** The default token store: one JSON file, readable by the user only. */
export function fileTokenStore(file: string = defaultTokenFile()): McpTokenStore {
  let writing: Promise<unknown> = Promise.resolve();

  const read = async (): Promise<TokenFile> => {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, servers: {} };
      throw new BatonError("MCP_ERROR", `Cannot read the MCP token store ${file}: ${(error as Error).message}`, { details: { file } });
    }
    try {
      const parsed = JSON.parse(text) as Partial<TokenFile>;
      return { version: 1, servers: parsed.servers && typeof parsed.servers === "object" ? parsed.servers : {} };
    } catch {
      throw new BatonError(
        "MCP_ERROR",
        `The MCP token store ${file} is not valid JSON: delete it and log in again (baton mcp login <server>)`,
        {
          details: { file },
        },
      );
    }
  };

  const write = async (data: TokenFile) => {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600); // an existing temporary file keeps its mode otherwise
    await rename(temporary, file);
  };

  /** Read-modify-write, one at a time within this process. */
  const update = (change: (data: TokenFile) => void): Promise<void> => {
    const next = writing.then(async () => {
      const data = await read();
      change(data);
      if (Object.keys(data.servers).length === 0) await rm(file, { force: true });
      else await write(data);
    });
    writing = next.catch(() => undefined);
    return next;
  };

  return {
    get: async (server) => (await read()).servers[server],
    set: (server, record) =>
      update((data) => {
        data.servers[server] = { ...record, savedAt: new Date().toISOString() };
      }),
    delete: (server) =>
      update((data) => {
        delete data.servers[server];
      }),
    list: async () => Object.keys((await read()).servers),
  };
}

/** A token store that forgets everything when the process ends. */
export function memoryTokenStore(): McpTokenStore {
  const records = new Map<string, McpAuthRecord>();
  return {
    get: async (server) => structuredClone(records.get(server)),
    set: async (server, record) => {
      records.set(server, structuredClone({ ...record, savedAt: new Date().toISOString() }));
    },
    delete: async (server) => {
      records.delete(server);
    },
    list: async () => [...records.keys()],
  };
}
