/**
 * `requireApproval` on MCP servers (issue 16, the MCP side), at the service level with the real
 * server-everything: a call that needs approval is answered `needsApproval` without reaching the
 * server; `approved: true` runs it. Lists, `true`, a function (run by the connection), mcp.json.
 */
import { describe, expect, it } from "vitest";
import { EVERYTHING, harnessPerTest, NODE } from "./harness.js";

const everything = { command: NODE, args: [EVERYTHING, "stdio"] };
const open = harnessPerTest();

describe("requireApproval", () => {
  it("holds the listed tools until approved, and runs the others", async () => {
    const h = open();
    await h.pool.ensure([{ ...everything, requireApproval: ["echo"] }]);
    const held = await h.call("everything", "echo", { message: "pay" });
    expect(held).toMatchObject({ needsApproval: true, isError: false, content: "echo needs approval" });
    expect(await h.call("everything", "echo", { message: "pay" }, { approved: true })).toMatchObject({
      isError: false,
      content: "Echo: pay",
    });
    const sum = await h.call("everything", "get-sum", { a: 1, b: 2 });
    expect(sum.needsApproval).toBeUndefined();
    expect(sum.content).toContain("3");
  });

  it("asks a function rule in the connection, per call, with the server's tool name and the arguments", async () => {
    const asked: Array<[string, Record<string, unknown>]> = [];
    const h = open();
    const rule = (tool: string, args: Record<string, unknown>) => {
      asked.push([tool, args]);
      if (args["message"] === "explode") throw new Error("rule broke");
      return tool === "echo" && args["message"] === "secret";
    };
    await h.pool.ensure([{ ...everything, requireApproval: rule }]);
    expect(await h.call("everything", "echo", { message: "hello" })).toMatchObject({ isError: false, content: "Echo: hello" });
    expect(await h.call("everything", "echo", { message: "secret" })).toMatchObject({
      needsApproval: true,
      content: "echo needs approval",
    });
    expect(await h.call("everything", "echo", { message: "secret" }, { approved: true })).toMatchObject({ content: "Echo: secret" });
    const broken = await h.call("everything", "echo", { message: "explode" });
    expect(broken).toMatchObject({ isError: true });
    expect(broken.content).toContain('The requireApproval function of MCP server "everything" threw for echo: rule broke');
    // The approved call did not ask the rule.
    expect(asked).toEqual([
      ["echo", { message: "hello" }],
      ["echo", { message: "secret" }],
      ["echo", { message: "explode" }],
    ]);
  });

  it("takes true and lists from mcp.json entries; the same server under another rule is another service", async () => {
    const h = open({
      registry: {
        mcpServers: {
          "acme/everything": { command: NODE, args: [EVERYTHING, "stdio"], requireApproval: true },
          "acme/summer": { command: NODE, args: [EVERYTHING, "stdio"], requireApproval: ["get-sum"] },
        },
      },
    });
    await h.pool.ensure(["acme/everything", "summer"]);
    expect(h.spawned).toEqual(["mcp:everything", "mcp:summer"]);
    expect(await h.call("everything", "get-sum", { a: 1, b: 1 })).toMatchObject({ needsApproval: true, content: "get-sum needs approval" });
    expect(await h.call("summer", "get-sum", { a: 1, b: 1 })).toMatchObject({ needsApproval: true });
    expect(await h.call("summer", "echo", { message: "free" })).toMatchObject({ content: "Echo: free" });
  });

  it("rejects a requireApproval that is none of those, naming the server", async () => {
    const h = open();
    await expect(h.pool.ensure([{ ...everything, name: "odd", requireApproval: "echo" as unknown as string[] }])).rejects.toMatchObject({
      code: "INVALID_OPTIONS",
      message: expect.stringContaining('MCP server "odd": requireApproval must be true, false, a list'),
    });
    await expect(h.pool.ensure([{ mcpServers: {} } as never])).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });
});

describe("tool result content from the real server", () => {
  it("turns an embedded resource into text", async () => {
    const h = open();
    await h.pool.ensure([everything]);
    const text = await h.call("everything", "get-resource-reference", { resourceType: "Text", resourceId: 2 });
    expect(typeof text.content).toBe("string");
    expect(text.content).toMatch(
      /\[resource demo:\/\/resource\/dynamic\/text\/2 \(text\/plain\)\]\nResource 2: This is a plaintext resource/,
    );
  });
});
