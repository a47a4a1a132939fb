/**
 * Human approvals (issue 16): a step whose tool needs approval ends the run `interrupted` after
 * its other calls ran; `runner.resume` (or `team.resume`) continues with a person's decisions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BatonError, defineTool, type RunEvent, Runner, type RunResult, sqliteStore } from "../../src/index.js";
import type { SimRequest, SimTurn } from "../../src/sim/index.js";

const runners: Runner[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function effectsTools() {
  const effects: string[] = [];
  const pay = defineTool({
    name: "pay",
    description: "Pay a vendor",
    parameters: z.object({ to: z.string(), amount: z.number() }),
    needsApproval: true,
    execute: ({ to, amount }, ctx) => {
      effects.push(`pay ${to} ${amount} ${ctx.idempotencyKey}`);
      return `paid ${amount} to ${to}`;
    },
  });
  const lookup = defineTool({
    name: "lookup",
    description: "Look the vendor up",
    parameters: z.object({ to: z.string() }),
    execute: ({ to }) => {
      effects.push(`lookup ${to}`);
      return `${to} is a known vendor`;
    },
  });
  /** Needs approval only for large amounts. */
  const transfer = defineTool({
    name: "transfer",
    description: "Move money",
    parameters: z.object({ amount: z.number() }),
    needsApproval: ({ amount }) => amount > 100,
    execute: ({ amount }) => {
      effects.push(`transfer ${amount}`);
      return `moved ${amount}`;
    },
  });
  return { effects, pay, lookup, transfer };
}

/** A buyer: one step with the given calls, then it reports every tool result it read. */
function buyer(calls: SimTurn["toolCalls"]) {
  return (request: SimRequest): SimTurn => {
    const results = request.messages.filter((m) => m.role === "tool");
    if (results.length) return { text: `done: ${results.map((m) => m.content).join(" | ")}` };
    return { toolCalls: calls };
  };
}

function newRunner(scripts: Record<string, (request: SimRequest) => SimTurn>, store?: ReturnType<typeof sqliteStore>): Runner {
  const runner = new Runner({ providers: { sim: { scripts } }, ...(store ? { store } : {}) });
  runners.push(runner);
  return runner;
}

describe("approvals", () => {
  it("a call that needs approval interrupts the run after the step's other calls ran; approve runs it and the run goes on", async () => {
    const { effects, pay, lookup } = effectsTools();
    const runner = newRunner({
      a: buyer([
        { name: "lookup", args: { to: "acme" } },
        { name: "pay", args: { to: "acme", amount: 10 } },
      ]),
    });
    runner.define("shop", { model: "sim/a", tools: [pay, lookup] });
    const stream = runner.stream({ team: "shop", input: "buy" });
    const events: RunEvent[] = [];
    for await (const event of stream) events.push(event);
    const first = await stream.result;
    expect(first.status).toBe("interrupted");
    expect(first.interruptions).toEqual([{ id: expect.any(String), agent: "sim/a", tool: "pay", args: { to: "acme", amount: 10 } }]);
    expect(effects).toEqual(["lookup acme"]); // the other call ran, the payment did not
    expect(events.map((e) => e.type)).toEqual([
      "run.started",
      "step.started",
      "tool.called",
      "tool.called",
      "tool.result",
      "approval.requested",
      "run.interrupted",
    ]);
    expect(events.find((e) => e.type === "approval.requested")).toMatchObject({ tool: "pay", id: first.interruptions![0]!.id });
    expect(await runner.unfinishedRuns()).toEqual([expect.objectContaining({ runId: first.runId, status: "interrupted", team: "shop" })]);

    const done = await runner.resume(first.runId, { approve: [first.interruptions![0]!.id] });
    expect(done.status).toBe("completed");
    expect(done.finalOutput).toBe("done: acme is a known vendor | paid 10 to acme");
    expect(effects).toEqual(["lookup acme", `pay acme 10 ${first.runId}:${first.interruptions![0]!.id}`]);
    expect(done.stepsUsed).toBe(2);
    expect(await runner.unfinishedRuns()).toEqual([]);
    // Resuming a completed run returns its result.
    expect(await runner.resume(first.runId)).toMatchObject({ status: "completed", finalOutput: done.finalOutput });
  });

  it("reject: the model reads the refusal as the tool's result; several decisions in one step", async () => {
    const { effects, pay, transfer } = effectsTools();
    const runner = newRunner({
      a: buyer([
        { name: "pay", args: { to: "acme", amount: 10 } },
        { name: "pay", args: { to: "shady", amount: 99 } },
        { name: "transfer", args: { amount: 5 } },
        { name: "transfer", args: { amount: 500 } },
      ]),
    });
    runner.define("shop", { model: "sim/a", tools: [pay, transfer] });
    const first = await runner.run({ team: "shop", input: "buy" });
    // The rule of `transfer` asks only for the large amount; the small one ran.
    expect(first.interruptions!.map((i) => [i.tool, i.args])).toEqual([
      ["pay", { to: "acme", amount: 10 }],
      ["pay", { to: "shady", amount: 99 }],
      ["transfer", { amount: 500 }],
    ]);
    expect(effects).toEqual(["transfer 5"]);
    const [acme, shady, big] = first.interruptions!;
    const done = await runner.resume(first.runId, {
      approve: [acme!.id, big!.id],
      reject: [{ id: shady!.id, message: "not this vendor" }],
    });
    expect(done.finalOutput).toBe("done: paid 10 to acme | Rejected by a person: not this vendor | moved 5 | moved 500");
    expect(done.toolResults.map((t) => t.isError)).toEqual([false, true, false, false]);
    expect(effects.sort()).toEqual(["pay acme 10 " + `${first.runId}:${acme!.id}`, "transfer 5", "transfer 500"].sort());
  });

  it("a call left undecided interrupts the run again; decisions naming other calls are clear errors", async () => {
    const { pay } = effectsTools();
    const runner = newRunner({
      a: buyer([
        { name: "pay", args: { to: "x", amount: 1 } },
        { name: "pay", args: { to: "y", amount: 2 } },
      ]),
    });
    runner.define("shop", { model: "sim/a", tools: [pay] });
    const first = await runner.run({ team: "shop", input: "buy" });
    const [x, y] = first.interruptions!;
    await expect(runner.resume(first.runId, { approve: ["nope"] })).rejects.toMatchObject({
      code: "INVALID_OPTIONS",
      message: expect.stringMatching(/approve\[0\] names "nope", which run .* does not wait for\. It waits for: /),
    });
    await expect(runner.resume(first.runId, { approve: [x!.id], reject: [{ id: x!.id, message: "" }] })).rejects.toThrow(/decided twice/);
    const second = await runner.resume(first.runId, { approve: [x!.id] });
    expect(second.status).toBe("interrupted");
    expect(second.interruptions).toEqual([y]);
    const done = await runner.resume(first.runId, { approve: [y!.id] });
    expect(done.finalOutput).toBe("done: paid 1 to x | paid 2 to y");
  });

  it("team.run interrupts the same way and team.resume continues the conversation", async () => {
    const { pay } = effectsTools();
    const runner = newRunner({
      a: (request) => {
        const last = request.messages.at(-1);
        if (last?.role === "tool") return { text: `ok: ${last.content}` };
        if (last?.role === "user" && last.content === "pay") return { toolCalls: [{ name: "pay", args: { to: "acme", amount: 3 } }] };
        return { text: `heard ${request.messages.filter((m) => m.role === "user").length} user messages` };
      },
    });
    const team = runner.team({ model: "sim/a", tools: [pay] });
    const interrupted: RunEvent[] = [];
    team.on("run.interrupted", (e) => interrupted.push(e));
    const first = await team.run("pay");
    expect(first.status).toBe("interrupted");
    expect(interrupted).toHaveLength(1);
    const resumed: RunEvent[] = [];
    team.on("run.resumed", (e) => resumed.push(e));
    const done = await team.resume({ approve: [first.interruptions![0]!.id] });
    expect(done.finalOutput).toBe("ok: paid 3 to acme");
    expect(resumed).toEqual([expect.objectContaining({ runId: first.runId, approved: [first.interruptions![0]!.id] })]);
    expect((await team.run("and now?")).finalOutput).toBe("heard 2 user messages");
    await expect(team.resume()).rejects.toMatchObject({ code: "INVALID_OPTIONS", message: expect.stringMatching(/no interrupted run/) });
  });

  it("a delegated subtask cannot wait for approval: its caller reads why", async () => {
    const { pay } = effectsTools();
    const runner = newRunner({
      boss: (request) => {
        const last = request.messages.at(-1);
        return last?.role === "tool" ? { text: `boss read: ${last.content}` } : { delegate: [{ to: "sim/clerk", task: "pay acme" }] };
      },
      clerk: (request) => {
        const last = request.messages.at(-1);
        return last?.role === "tool"
          ? { text: `clerk read: ${last.content}` }
          : { toolCalls: [{ name: "pay", args: { to: "acme", amount: 1 } }] };
      },
    });
    const result = await runner.run({ input: "go", model: ["sim/boss", "sim/clerk"], handoffs: "delegate", tools: [pay] });
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toMatch(
      /boss read: clerk read: Error: pay needs a person's approval, which a delegated subtask cannot wait for/,
    );
  });
});

describe("resume: what it checks", () => {
  it("an unknown run, a run of an undefined team, inline options missing, and a definition without the run's tools", async () => {
    const { pay, lookup } = effectsTools();
    const runner = newRunner({ a: buyer([{ name: "pay", args: { to: "x", amount: 1 } }]) });
    await expect(runner.resume("no-such-run")).rejects.toMatchObject({
      code: "RESUME_MISMATCH",
      message: expect.stringMatching(/No run no-such-run/),
    });
    const inline = await runner.run({ input: "buy", model: "sim/a", tools: [pay, lookup] });
    await expect(runner.resume(inline.runId, { approve: [inline.interruptions![0]!.id] })).rejects.toMatchObject({
      code: "RESUME_MISMATCH",
      message: expect.stringMatching(/started with inline options: resume it with the same options/),
    });
    await expect(runner.resume(inline.runId, { model: "sim/a", tools: [lookup] })).rejects.toMatchObject({
      code: "RESUME_MISMATCH",
      message: expect.stringMatching(/lacks tool "pay" of agent "sim\/a"/),
    });
    const ok = await runner.resume(inline.runId, { model: "sim/a", tools: [pay, lookup], approve: [inline.interruptions![0]!.id] });
    expect(ok.status).toBe("completed");

    const other = newRunner({ a: buyer([{ name: "pay", args: { to: "x", amount: 1 } }]) });
    other.define("shop", { model: "sim/a", tools: [pay] });
    const run = await other.run({ team: "shop", input: "buy" });
    const fresh = newRunner({ a: buyer([]) });
    await expect(fresh.resume(run.runId)).rejects.toMatchObject({ code: "RESUME_MISMATCH" }); // another (memory) store
  });

  it("runner.define and run({ team }): bad names and options are clear errors", async () => {
    const runner = newRunner({ a: () => ({ text: "hi" }) });
    expect(() => runner.define("bad name!", { model: "sim/a" })).toThrow(BatonError);
    expect(() => runner.define("t", { model: [] as never })).toThrow(/No model given/);
    runner.define("t", { model: "sim/a" });
    await expect(runner.run({ team: "nope", input: "x" })).rejects.toThrow(/No team is defined as "nope".*defined: t/);
    await expect(runner.run({ team: "t", input: "x", tools: [] } as never)).rejects.toThrow(
      /takes only input, messages, signal, maxSteps and maxHandoffs; tools belong in runner.define/,
    );
    expect((await runner.run({ team: "t", input: "x" })).finalOutput).toBe("hi");
  });
});

describe("decisions from another process", () => {
  it("a run interrupted in one Runner is resumed by another on the same SQLite store", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-approvals-"));
    dirs.push(dir);
    const file = path.join(dir, "runs.db");
    const { pay } = effectsTools();
    const scripts = { a: buyer([{ name: "pay", args: { to: "acme", amount: 7 } }]) };
    const first = newRunner(scripts, sqliteStore(file));
    first.define("shop", { model: "sim/a", tools: [pay] });
    const interrupted: RunResult<unknown> = await first.run({ team: "shop", input: "buy" });
    await first.close();
    const second = newRunner(scripts, sqliteStore(file));
    second.define("shop", { model: "sim/a", tools: [pay] });
    expect((await second.unfinishedRuns()).map((r) => r.runId)).toEqual([interrupted.runId]);
    const done = await second.resume(interrupted.runId, { approve: [interrupted.interruptions![0]!.id] });
    expect(done.finalOutput).toBe("done: paid 7 to acme");
    expect(await second.unfinishedRuns()).toEqual([]);
  });

  it("meta is written with the run and given back by unfinishedRuns(); meta that JSON cannot carry is a clear error", async () => {
    const { pay } = effectsTools();
    const runner = newRunner({ a: buyer([{ name: "pay", args: { to: "x", amount: 1 } }]) });
    runner.define("buying", { model: "sim/a", tools: [pay] });
    const first = await runner.run({ team: "buying", input: "buy", meta: { user: "ada", ticket: 42 } });
    expect(first.status).toBe("interrupted");
    expect(await runner.unfinishedRuns()).toEqual([
      expect.objectContaining({ runId: first.runId, team: "buying", status: "interrupted", meta: { user: "ada", ticket: 42 } }),
    ]);
    await expect(runner.run({ team: "buying", input: "buy", meta: { when: new Date(0) } })).rejects.toMatchObject({
      code: "INVALID_OPTIONS",
      message: expect.stringContaining("meta must be a plain JSON object"),
    });
  });
});
