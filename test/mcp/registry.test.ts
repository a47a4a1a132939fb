import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRegistry } from "../../actors/mcp/registryFile.js";
import { BatonError } from "../../src/errors.js";
import { expandVars, lookupRegistry, resolveRegistryEntry, unknownServerError } from "../../src/mcp/registry.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "baton-registry-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("loading mcp.json", () => {
  it("reads ./mcp.json from the working directory only when it exists", async () => {
    const empty = await loadRegistry(undefined, dir);
    expect(empty.entries).toEqual({});
    expect(empty.origin).toContain("no mcp.json");
    writeFileSync(path.join(dir, "mcp.json"), JSON.stringify({ mcpServers: { time: { command: "uvx", args: ["mcp-server-time"] } } }));
    const found = await loadRegistry(undefined, dir);
    expect(found.origin).toBe(path.join(dir, "mcp.json"));
    expect(Object.keys(found.entries)).toEqual(["time"]);
  });

  it("accepts a path, an object, and the VS Code `servers` spelling", async () => {
    const file = path.join(dir, "custom.json");
    writeFileSync(file, JSON.stringify({ servers: { a: { url: "https://a.example/mcp" } } }));
    expect(Object.keys((await loadRegistry(file)).entries)).toEqual(["a"]);
    expect(Object.keys((await loadRegistry({ mcpServers: { b: { command: "x" } } })).entries)).toEqual(["b"]);
  });

  it("reports unreadable, invalid and malformed files as MCP_ERROR", async () => {
    await expect(loadRegistry(path.join(dir, "missing.json"))).rejects.toMatchObject({ code: "MCP_ERROR" });
    writeFileSync(path.join(dir, "bad.json"), "{ not json");
    await expect(loadRegistry(path.join(dir, "bad.json"))).rejects.toThrow(/not valid JSON/);
    writeFileSync(path.join(dir, "shape.json"), JSON.stringify({ mcpServers: [] }));
    await expect(loadRegistry(path.join(dir, "shape.json"))).rejects.toThrow(/must be an object like/);
  });
});

describe("looking names up", () => {
  const registry = {
    origin: "test",
    baseDir: "/base",
    entries: {
      "acme/memory": { command: "node", args: ["memory.js"] },
      "other/search": { url: "https://search.example/mcp" },
      "team/search": { url: "https://search2.example/mcp" },
      Plain: { command: "plain" },
    },
  };

  it("finds exact keys, case-insensitive keys and a unique org/name by its name", () => {
    expect(lookupRegistry(registry, "acme/memory")?.key).toBe("acme/memory");
    expect(lookupRegistry(registry, "plain")?.key).toBe("Plain");
    expect(lookupRegistry(registry, "memory")?.key).toBe("acme/memory");
    expect(lookupRegistry(registry, "nobody/memory")).toBeUndefined();
    expect(lookupRegistry(registry, "unknown")).toBeUndefined();
  });

  it("refuses an ambiguous short name", () => {
    expect(() => lookupRegistry(registry, "search")).toThrow(/ambiguous.*other\/search, team\/search/);
  });

  it("explains how to add an unknown name to mcp.json", () => {
    const error = unknownServerError(registry, "weather");
    expect(error).toBeInstanceOf(BatonError);
    expect(error.code).toBe("MCP_ERROR");
    expect(error.message).toContain('Unknown MCP server "weather"');
    expect(error.message).toContain('{"mcpServers":{"weather":{"command":"npx"');
    expect(error.message).toContain("Known names: acme/memory, other/search, team/search, Plain");
  });
});

describe("registry entries", () => {
  const registry = { origin: "/cfg/mcp.json", baseDir: "/cfg", entries: {} };

  it("resolves stdio entries named after the slug, with relative paths from the file's folder", () => {
    const server = resolveRegistryEntry(
      registry,
      "acme/memory",
      {
        command: "./bin/server",
        args: ["--db", "${DB:-default.db}"],
        env: { TOKEN: "${TOKEN}" },
        cwd: "data",
      },
      { TOKEN: "t0k" },
    );
    expect(server.name).toBe("memory");
    expect(server.connect).toEqual({
      kind: "stdio",
      command: "/cfg/bin/server",
      args: ["--db", "default.db"],
      env: { TOKEN: "t0k" },
      cwd: "/cfg/data",
    });
  });

  it("resolves HTTP entries and their transport type", () => {
    const sse = resolveRegistryEntry(
      registry,
      "legacy",
      { type: "sse", url: "http://h/sse", headers: { Authorization: "Bearer ${K}" } },
      { K: "k" },
    );
    expect(sse.connect).toEqual({
      kind: "http",
      url: "http://h/sse",
      headers: { Authorization: "Bearer k" },
      transport: "sse",
      auth: { kind: "oauth" },
    });
    const http = resolveRegistryEntry(registry, "remote", { serverUrl: "https://r.example/mcp", name: "renamed" }, {});
    expect(http.connect).toMatchObject({ kind: "http", transport: "auto" });
    expect(http.name).toBe("renamed");
  });

  it("takes auth (with ${VAR} in its strings) and requireApproval, and names the entry in errors", () => {
    const entry = {
      url: "https://crm.example/mcp",
      auth: { type: "client_credentials", clientId: "svc", clientSecret: "${CRM_SECRET}" },
      requireApproval: ["delete"],
    };
    const server = resolveRegistryEntry(registry, "acme/crm", entry, { CRM_SECRET: "from-env" });
    expect(server.connect).toMatchObject({ auth: { kind: "client_credentials", clientId: "svc", clientSecret: "from-env" } });
    expect(server.approval).toEqual({ kind: "tools", tools: ["delete"] });
    expect(server.ref).toBe("acme/crm");
    expect(resolveRegistryEntry(registry, "a", { url: "https://a/mcp", auth: false, requireApproval: true }, {})).toMatchObject({
      connect: { auth: { kind: "none" } },
      approval: { kind: "always" },
    });
    expect(() => resolveRegistryEntry(registry, "a", { url: "https://a/mcp", auth: { type: "magic" } }, {})).toThrow(
      /^MCP registry entry "a" \(\/cfg\/mcp.json\): auth type must be "oauth" or "client_credentials"/,
    );
    expect(() => resolveRegistryEntry(registry, "a", { command: "x", requireApproval: "all" }, {})).toThrow(
      /"requireApproval" must be true, false or a list/,
    );
    expect(() => resolveRegistryEntry(registry, "a", { command: "x", auth: { clientId: "c" } }, {})).toThrow(
      /auth applies to HTTP servers only/,
    );
  });

  it("rejects disabled, unknown-type, shapeless entries and unset variables", () => {
    expect(() => resolveRegistryEntry(registry, "x", { command: "a", disabled: true }, {})).toThrow(/is disabled/);
    expect(() => resolveRegistryEntry(registry, "x", { url: "http://h", type: "ws" }, {})).toThrow(/unknown type "ws"/);
    expect(() => resolveRegistryEntry(registry, "x", { args: [] }, {})).toThrow(/must have "command" \(stdio\) or "url"/);
    expect(() => expandVars("${NOPE_NOT_SET}", {}, "entry")).toThrow(/NOPE_NOT_SET/);
  });
});
