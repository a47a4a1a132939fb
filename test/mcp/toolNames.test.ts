import { describe, expect, it } from "vitest";
import { buildToolEntries, type McpToolInfo, sanitizeToolName, toolParameters } from "../../src/mcp/toolNames.js";
import { VALID_TOOL_NAME } from "../../src/tools/toolName.js";

const tool = (name: string, description = `does ${name}`): McpToolInfo => ({
  name,
  description,
  inputSchema: { type: "object", properties: { x: { type: "string" } } },
});

describe("tool names", () => {
  it("makes every name valid for every provider", () => {
    expect(sanitizeToolName("read.file")).toBe("read_file");
    expect(sanitizeToolName("weird name/with:chars")).toBe("weird_name_with_chars");
    expect(sanitizeToolName("")).toBe("tool");
    const long = sanitizeToolName("x".repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(VALID_TOOL_NAME);
    expect(sanitizeToolName("x".repeat(100))).toBe(long);
    expect(sanitizeToolName(`${"x".repeat(99)}y`)).not.toBe(long);
  });

  it("keeps names unprefixed when servers do not clash", () => {
    const entries = buildToolEntries([
      { server: "fs", service: "mcp:fs", tools: [tool("read_file"), tool("write_file")] },
      { server: "memory", service: "mcp:memory", tools: [tool("read_graph")] },
    ]);
    expect(entries.map((e) => [e.spec.name, e.service, e.remoteName, e.source])).toEqual([
      ["read_file", "mcp:fs", "read_file", "fs"],
      ["write_file", "mcp:fs", "write_file", "fs"],
      ["read_graph", "mcp:memory", "read_graph", "memory"],
    ]);
    expect(entries[0]!.spec.description).toBe("does read_file");
  });

  it("prefixes only the clashing names with <server>__", () => {
    const entries = buildToolEntries([
      { server: "alpha", service: "mcp:alpha", tools: [tool("search"), tool("only_alpha")] },
      { server: "beta", service: "mcp:beta", tools: [tool("search"), tool("only_beta")] },
    ]);
    expect(entries.map((e) => e.spec.name)).toEqual(["alpha__search", "only_alpha", "beta__search", "only_beta"]);
    expect(entries.map((e) => e.remoteName)).toEqual(["search", "only_alpha", "search", "only_beta"]);
  });

  it("treats names that sanitise alike as a clash, and suffixes what still collides", () => {
    const entries = buildToolEntries([
      { server: "a", service: "mcp:a", tools: [tool("get.item"), tool("get_item")] },
      { server: "b", service: "mcp:b", tools: [tool("get-item")] },
    ]);
    const names = entries.map((e) => e.spec.name);
    expect(names).toEqual(["get_item", "get_item_2", "get-item"]);
    expect(entries.map((e) => e.remoteName)).toEqual(["get.item", "get_item", "get-item"]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("keeps prefixed names within 64 characters and unique", () => {
    const longName = "a_really_long_tool_name_that_keeps_going_and_going_and_going_on";
    const entries = buildToolEntries([
      { server: "first_server_name", service: "mcp:first", tools: [tool(longName)] },
      { server: "second_server_name", service: "mcp:second", tools: [tool(longName)] },
    ]);
    for (const e of entries) expect(e.spec.name).toMatch(VALID_TOOL_NAME);
    expect(entries[0]!.spec.name).not.toBe(entries[1]!.spec.name);
    expect(entries[0]!.spec.name.startsWith("first_server_name__")).toBe(true);
  });

  it("gives models an object schema with properties", () => {
    expect(toolParameters({ type: "object" })).toEqual({ type: "object", properties: {} });
    expect(toolParameters({})).toEqual({ type: "object", properties: {} });
    const schema = { type: "object", properties: { a: { type: "number" } }, required: ["a"] };
    expect(toolParameters(schema)).toEqual(schema);
  });
});
