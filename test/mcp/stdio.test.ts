/**
 * server-everything over stdio through the pool and its service actor: tools, calls, progress,
 * cancellation, sampling, elicitation, roots, reuse and name clashes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ElicitationRequest } from "../../src/mcp/options.js";
import { EVERYTHING, harnessPerTest, NODE, pidOf, waitFor } from "./harness.js";

const everything = { command: NODE, args: [EVERYTHING, "stdio"] };
const PROBE = path.join(import.meta.dirname, "fixtures/probeServer.mjs");

const open = harnessPerTest();

describe("server-everything over stdio", () => {
  it("offers its tools as catalog entries and answers calls with the text a model reads", async () => {
    const h = open();
    const tools = await h.pool.ensure([everything]);
    expect(h.pool.status()).toEqual({ everything: "ready" });
    const echo = tools.find((t) => t.spec.name === "echo");
    expect(echo).toMatchObject({ service: "mcp:everything", remoteName: "echo", source: "everything" });
    expect(echo?.spec.parameters).toMatchObject({ type: "object", properties: { message: { type: "string" } } });
    expect(tools.map((t) => t.spec.name)).toEqual(expect.arrayContaining(["get-sum", "trigger-long-running-operation"]));

    expect(await h.call("everything", "echo", { message: "hello" })).toMatchObject({ content: "Echo: hello", isError: false });
    const sum = await h.call("everything", "get-sum", { a: 2, b: 40 });
    expect(sum.content).toContain("42");
    const weather = await h.call("everything", "get-structured-content", { location: "Chicago" });
    expect(JSON.parse(weather.content as string)).toEqual({ temperature: 36, conditions: "Light rain / drizzle", humidity: 82 });
    const image = await h.call("everything", "get-tiny-image", {});
    expect(image.isError).toBe(false);
    expect(image.content).toEqual([
      { type: "text", text: "Here's the image you requested:" },
      { type: "image", mediaType: "image/png", data: expect.stringMatching(/^iVBORw0KGgo[A-Za-z0-9+/]+=*$/) },
      { type: "text", text: "The image above is the MCP logo." },
    ]);
    const bad = await h.call("everything", "get-sum", { a: "not a number" });
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/Input validation error|invalid/i);
  });

  it("reuses the running server for the same spec: a second ensure spawns nothing", async () => {
    const h = open();
    await h.pool.ensure([everything]);
    const ref = h.service("everything");
    const pid = pidOf(h, "everything");
    const again = await h.pool.ensure([`${NODE} ${EVERYTHING} stdio`, everything]);
    expect(h.spawned).toEqual(["mcp:everything"]);
    expect(h.service("everything")).toBe(ref);
    expect(pidOf(h, "everything")).toBe(pid);
    expect(again.some((t) => t.spec.name === "echo")).toBe(true);
  });

  it("lets progress notifications extend the call timeout, and times out a silent call", async () => {
    const h = open({ callTimeoutMs: 800 });
    await h.pool.ensure([everything]);
    const started = Date.now();
    const withProgress = await h.call("everything", "trigger-long-running-operation", { duration: 1.6, steps: 8 });
    expect(withProgress).toMatchObject({ isError: false, content: "Long running operation completed. Duration: 1.6 seconds, Steps: 8." });
    expect(Date.now() - started).toBeGreaterThan(1500);

    const silent = await h.call("everything", "trigger-long-running-operation", { duration: 1.6, steps: 1 });
    expect(silent.isError).toBe(true);
    expect(silent.content).toContain('MCP server "everything" did not answer trigger-long-running-operation within 800 ms');
    expect(silent.ms).toBeLessThan(1500);
  });

  it("cancels a call on TOOL.CANCEL and on its run's signal, and tells the server", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-cancel-"));
    try {
      const log = path.join(dir, "probe.log");
      const h = open();
      await h.pool.ensure([{ command: NODE, args: [PROBE], env: { PROBE_LOG: log }, name: "probe" }]);
      const first = h.start("probe", "wait", { ms: 20_000 });
      await waitFor(() => readLog(log).includes("started"), 5000, "the call to start");
      h.service("probe").send({ type: "TOOL.CANCEL", callId: first.callId });
      expect(await first.result).toMatchObject({ isError: true, content: "Tool call cancelled." });
      await waitFor(() => readLog(log).includes("cancelled"), 5000, "notifications/cancelled at the server");

      expect(await h.call("probe", "wait", { ms: 1 })).toMatchObject({ isError: false, content: "waited 1 ms" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs many calls at once", async () => {
    const h = open();
    await h.pool.ensure([everything]);
    const slow = h.start("everything", "trigger-long-running-operation", { duration: 0.6, steps: 2 });
    const quick = await Promise.all(Array.from({ length: 10 }, (_, i) => h.call("everything", "echo", { message: `m${i}` })));
    expect(quick.map((r) => r.content)).toEqual(Array.from({ length: 10 }, (_, i) => `Echo: m${i}`));
    expect((await slow.result).isError).toBe(false);
  });

  it("prefixes tool names with <server>__ only where two servers in one list clash", async () => {
    const h = open();
    const tools = await h.pool.ensure([everything, { ...everything, args: [...everything.args, "--second"] }]);
    expect(h.spawned).toEqual(["mcp:everything", "mcp:everything_2"]);
    const names = tools.map((t) => t.spec.name);
    expect(names).toContain("everything__echo");
    expect(names).toContain("everything_2__echo");
    expect(names).not.toContain("echo");
    const second = tools.find((t) => t.spec.name === "everything_2__echo");
    expect(second).toMatchObject({ service: "mcp:everything_2", remoteName: "echo", source: "everything_2" });
    expect(await h.call("everything_2", second!.remoteName, { message: "from the second" })).toMatchObject({
      content: "Echo: from the second",
    });
    const alone = await h.pool.ensure([everything]);
    expect(alone.map((t) => t.spec.name)).toContain("echo");
  });

  it("refreshes its cached tool list on notifications/tools/list_changed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-tools-"));
    try {
      const h = open();
      const spec = { command: NODE, args: [PROBE], env: { PROBE_LOG: path.join(dir, "probe.log") }, name: "probe" };
      expect((await h.pool.ensure([spec])).map((t) => t.spec.name)).toEqual(["wait", "add_tool"]);
      expect(await h.call("probe", "add_tool", { name: "late.tool", reply: "added later" })).toMatchObject({ content: "added late.tool" });
      await waitFor(
        () => (h.service("probe").getSnapshot() as { context: { tools: unknown[] } }).context.tools.length === 3,
        5000,
        "the refresh",
      );
      const tools = await h.pool.ensure([spec]);
      expect(tools.map((t) => t.spec.name)).toEqual(["wait", "add_tool", "late_tool"]);
      expect(tools.find((t) => t.spec.name === "late_tool")).toMatchObject({
        remoteName: "late.tool",
        spec: { description: "Added at runtime: added later" },
      });
      expect(await h.call("probe", "late.tool", {})).toMatchObject({ isError: false, content: "added later" });
      expect(h.spawned).toEqual(["mcp:probe"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("server-to-client requests", () => {
  it("answers sampling with the calling team's model, declines elicitation, and errors clearly without a model", async () => {
    const h = open();
    await h.pool.ensure([everything]);
    const sampled = await h.call(
      "everything",
      "trigger-sampling-request",
      { prompt: "a haiku", maxTokens: 20 },
      { samplingModel: "sim/writer" },
    );
    expect(sampled.isError).toBe(false);
    expect(sampled.content).toContain("sampled by sim/writer");
    expect(h.samples).toHaveLength(1);
    expect(h.samples[0]).toMatchObject({ model: "sim/writer", request: { systemPrompt: "You are a helpful test server.", maxTokens: 20 } });
    expect(h.samples[0]!.request.messages[0]!.text).toContain("a haiku");

    const noModel = await h.call("everything", "trigger-sampling-request", { prompt: "x" });
    expect(noModel.isError).toBe(true);
    expect(noModel.content).toContain("baton has no model to answer sampling requests");

    const elicited = await h.call("everything", "trigger-elicitation-request", {});
    expect(elicited.content).toContain("declined");
  });

  it("uses the configured sampling model, the elicitation callback and the roots", async () => {
    const requests: ElicitationRequest[] = [];
    const h = open({
      sampling: { model: "sim/fixed" },
      elicitation: async (request) => {
        requests.push(request);
        return { action: "accept", content: { name: "Ada Lovelace", check: true } };
      },
      roots: [{ uri: "file:///srv/project", name: "project" }],
    });
    const tools = await h.pool.ensure([everything]);
    expect(tools.map((t) => t.spec.name)).toContain("get-roots-list");

    const sampled = await h.call("everything", "trigger-sampling-request", { prompt: "p" }, { samplingModel: "sim/writer" });
    expect(sampled.content).toContain("sampled by sim/fixed");

    const elicited = await h.call("everything", "trigger-elicitation-request", {});
    expect(elicited.isError).toBe(false);
    expect(elicited.content).toContain("- Name: Ada Lovelace");
    expect(elicited.content).not.toContain("dark and stormy"); // no defaults unless asked
    expect(requests[0]).toMatchObject({ serverName: "everything", message: "Please provide inputs for the following fields:" });
    expect(requests[0]!.requestedSchema).toMatchObject({ type: "object", required: ["name"] });

    const roots = await h.call("everything", "get-roots-list", {});
    expect(roots.content).toContain("1. project\n   URI: file:///srv/project");
  });
});

describe("elicitation defaults", () => {
  it("asks the SDK to fill in the requested schema's defaults with applyDefaults", async () => {
    const h = open({
      elicitation: { handler: async () => ({ action: "accept", content: { name: "Ada", check: true } }), applyDefaults: true },
    });
    await h.pool.ensure([everything]);
    const elicited = await h.call("everything", "trigger-elicitation-request", {});
    expect(elicited.isError).toBe(false);
    expect(elicited.content).toContain('"firstLine": "It was a dark and stormy night."');
    expect(elicited.content).toContain("- Name: Ada");
    expect(elicited.content).toContain("- Favorite Integer: 42");
  });

  it("rejects an elicitation option that is neither a function nor { handler }", () => {
    expect(() => open({ elicitation: { applyDefaults: true } as never })).toThrow(
      "mcp.elicitation must be a function (request) => answer, or { handler, applyDefaults }",
    );
  });
});

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
