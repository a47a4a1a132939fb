/**
 * The filesystem and memory reference servers: real tool calls, tool errors as isError results
 * (a path outside the allowed directory), and an mcp.json registry with `org/name` slugs.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FILESYSTEM, harnessPerTest, MEMORY, NODE } from "./harness.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "baton-ref-"));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
});
const open = harnessPerTest();

describe("server-filesystem", () => {
  it("reads and writes inside the allowed directory; a path outside is an isError result", async () => {
    const allowed = path.join(dir, "allowed");
    mkdirSync(allowed);
    const secret = path.join(dir, "secret.txt");
    writeFileSync(secret, "do not read");
    const h = open();
    const tools = await h.pool.ensure([`${NODE} ${FILESYSTEM} ${allowed}`]);
    expect(h.pool.status()).toEqual({ filesystem: "ready" });
    expect(tools.map((t) => t.spec.name)).toEqual(expect.arrayContaining(["read_text_file", "write_file", "list_directory"]));

    const file = path.join(allowed, "notes.md");
    const written = await h.call("filesystem", "write_file", { path: file, content: "# Notes\nbaton was here\n" });
    expect(written).toMatchObject({ isError: false });
    expect(readFileSync(file, "utf8")).toBe("# Notes\nbaton was here\n");
    expect(await h.call("filesystem", "read_text_file", { path: file })).toMatchObject({
      isError: false,
      content: "# Notes\nbaton was here\n",
    });
    expect((await h.call("filesystem", "list_directory", { path: allowed })).content).toContain("[FILE] notes.md");

    const outside = await h.call("filesystem", "read_text_file", { path: secret });
    expect(outside.isError).toBe(true);
    expect(outside.content).toMatch(/Access denied - path outside allowed directories/);
    expect(outside.content).not.toContain("do not read");
    const escaped = await h.call("filesystem", "write_file", { path: path.join(allowed, "../escape.txt"), content: "x" });
    expect(escaped.isError).toBe(true);
    expect(existsSync(path.join(dir, "escape.txt"))).toBe(false);
  });
});

describe("server-memory", () => {
  it("keeps a knowledge graph in the MEMORY_FILE_PATH it is given", async () => {
    const memoryFile = path.join(dir, "memory.jsonl");
    const h = open();
    await h.pool.ensure([{ command: NODE, args: [MEMORY], env: { MEMORY_FILE_PATH: memoryFile } }]);
    const created = await h.call("memory", "create_entities", {
      entities: [{ name: "baton", entityType: "project", observations: ["runs a team of LLMs as one agent"] }],
    });
    expect(created.isError).toBe(false);
    const graph = await h.call("memory", "read_graph", {});
    expect(graph.isError).toBe(false);
    expect(graph.content).toContain("runs a team of LLMs as one agent");
    expect(readFileSync(memoryFile, "utf8")).toContain('"name":"baton"');
  });
});

describe("mcp.json registry", () => {
  it("resolves org/name slugs and bare names to one shared server", async () => {
    const memoryFile = path.join(dir, "graph.jsonl");
    const registry = path.join(dir, "mcp.json");
    writeFileSync(
      registry,
      JSON.stringify({
        mcpServers: {
          "acme/memory": { command: NODE, args: [MEMORY], env: { MEMORY_FILE_PATH: memoryFile } },
          "acme/files": { command: NODE, args: [FILESYSTEM, "./data"], cwd: "." },
        },
      }),
    );
    mkdirSync(path.join(dir, "data"));
    const h = open({ registry });
    const tools = await h.pool.ensure(["acme/memory", "files"]);
    expect(h.pool.status()).toEqual({ memory: "ready", files: "ready" });
    expect(tools.find((t) => t.spec.name === "create_entities")).toMatchObject({ service: "mcp:memory", source: "memory" });
    expect(tools.find((t) => t.spec.name === "list_allowed_directories")).toMatchObject({ service: "mcp:files", source: "files" });
    expect((await h.call("files", "list_allowed_directories", {})).content).toContain(path.join(dir, "data"));

    await h.pool.ensure(["memory", "acme/files"]);
    expect(h.spawned).toEqual(["mcp:memory", "mcp:files"]);
  });

  it("rejects an unknown name with MCP_ERROR saying how to add it", async () => {
    const h = open({ registry: { mcpServers: { "acme/memory": { command: NODE, args: [MEMORY] } } } });
    const error = await h.pool.ensure(["acme/weather"]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MCP_ERROR" });
    expect((error as Error).message).toContain('Unknown MCP server "acme/weather"');
    expect((error as Error).message).toContain("Add it to mcp.json");
    expect((error as Error).message).toContain("Known names: acme/memory");
    expect(h.spawned).toEqual([]);
  });
});
