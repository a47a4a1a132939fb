import { describe, expect, it } from "vitest";
import type { AnyActorRef, InspectionEvent } from "xstate";
import { z } from "zod";
import { BatonError, contentText, defineTool, type ModelInput, type Runner } from "../src/index.js";
import type { SimRequest, SimScript } from "../src/sim/index.js";
import { simRunners } from "./support/simRunner.js";

const simRunner = simRunners();

/** A Runner on sim models that records the team actors it starts (supervisor systemIds). */
function watched(scripts: Record<string, SimScript>): { runner: Runner; teamsStarted: () => string[] } {
  const started: Array<{ id: string }> = [];
  const runner = simRunner(scripts, {
    inspect: (event: InspectionEvent) => {
      if (event.type === "@xstate.actor") started.push(event.actorRef as AnyActorRef);
    },
  });
  // The Runner spawns a team's supervisor with id = systemId = `team:<id>`.
  return { runner, teamsStarted: () => started.splice(0).flatMap((ref) => (ref.id.startsWith("team:") ? [ref.id] : [])) };
}

const handoffScripts = (seen: SimRequest[]): Record<string, SimScript> => ({
  a: (request) => {
    seen.push(request);
    return request.callIndex === 0 ? { handoff: "sim/b" } : { text: "a again" };
  },
  b: (request) => {
    seen.push(request);
    return { text: `b answers call ${request.callIndex}` };
  },
});

describe("runner.run reuses an idle team of the same options", () => {
  it("a second run with the same options spawns no actor and is still a new conversation", async () => {
    const seen: SimRequest[] = [];
    const { runner, teamsStarted } = watched(handoffScripts(seen));
    const first = await runner.run({ input: "first task", model: ["sim/a", "sim/b"] });
    expect(teamsStarted()).toHaveLength(1);
    seen.length = 0;

    const second = await runner.run({ input: "second task", model: ["sim/a", "sim/b"] });
    expect(teamsStarted()).toEqual([]);
    // Same work as the first run: starts at the first model, whose turn counter starts again…
    for (const result of [first, second]) {
      expect(result.steps.map((s) => s.model)).toEqual(["sim/a", "sim/b"]);
      expect(result.handoffs).toHaveLength(1);
      expect(result.finalOutput).toBe("b answers call 0");
    }
    // …and sees nothing of the first run.
    const text = JSON.stringify(seen.map((r) => r.messages));
    expect(text).toContain("second task");
    expect(text).not.toContain("first task");
    expect(seen[0]!.messages.filter((m) => m.role === "user")).toHaveLength(1);
    expect(second.runId).not.toBe(first.runId);
  });

  it("runs with other options get their own team; changing an option object in place is seen", async () => {
    const settingsSeen: unknown[] = [];
    const { runner, teamsStarted } = watched({
      a: (request) => {
        settingsSeen.push(request.settings?.temperature);
        return { text: `${request.system ?? "no instructions"}` };
      },
    });
    const model: ModelInput = { model: "sim/a", settings: { temperature: 0.1 } };
    expect((await runner.run({ input: "x", model: [model], instructions: "one" })).finalOutput).toContain("one");
    expect((await runner.run({ input: "x", model: [model], instructions: "two" })).finalOutput).toContain("two");
    expect(teamsStarted()).toHaveLength(2);
    expect((await runner.run({ input: "x", model: [model], instructions: "one" })).finalOutput).toContain("one");
    expect(teamsStarted()).toEqual([]);

    model.settings!.temperature = 0.9; // the same object, changed: a new team must see it
    await runner.run({ input: "x", model: [model], instructions: "one" });
    expect(teamsStarted()).toHaveLength(1);
    expect(settingsSeen).toEqual([0.1, 0.1, 0.1, 0.9]);
  });

  it("the same tool list rebuilt for each run reuses the team; another tool object does not", async () => {
    const makeTool = (reply: string) => defineTool({ name: "lookup", description: "d", parameters: z.object({}), execute: () => reply });
    const lookup = makeTool("from the first tool");
    const { runner, teamsStarted } = watched({
      a: (request) =>
        request.messages.at(-1)?.role === "tool"
          ? { text: contentText(request.messages.at(-1)!.content) }
          : { toolCalls: [{ name: "lookup" }] },
    });
    expect((await runner.run({ input: "x", model: "sim/a", tools: [lookup] })).finalOutput).toBe("from the first tool");
    expect((await runner.run({ input: "x", model: "sim/a", tools: [lookup] })).finalOutput).toBe("from the first tool");
    expect(teamsStarted()).toHaveLength(1);
    expect((await runner.run({ input: "x", model: "sim/a", tools: [makeTool("from another tool")] })).finalOutput).toBe(
      "from another tool",
    );
    expect(teamsStarted()).toHaveLength(1);
  });

  it("a team whose run failed or was cancelled is not reused", async () => {
    let fail = true;
    const { runner, teamsStarted } = watched({
      a: () => (fail ? { fault: { status: 400, message: "bad request" } } : { text: "ok", latencyMs: 0 }),
      slow: () => ({ text: "late", latencyMs: 5_000 }),
    });
    await expect(runner.run({ input: "x", model: "sim/a" })).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    fail = false;
    expect((await runner.run({ input: "x", model: "sim/a" })).finalOutput).toBe("ok");
    expect(teamsStarted()).toHaveLength(2);

    const controller = new AbortController();
    const cancelled = runner.run({ input: "x", model: "sim/slow", signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const error = await cancelled.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toMatchObject({ code: "CANCELLED" });
    teamsStarted();
    const again = runner.run({ input: "x", model: "sim/slow", signal: AbortSignal.timeout(10) });
    await expect(again).rejects.toMatchObject({ code: "CANCELLED" });
    expect(teamsStarted()).toHaveLength(1);
  });

  it("concurrent runs take separate teams, and later runs reuse them all", async () => {
    const { runner, teamsStarted } = watched({ a: [{ text: "ok", latencyMs: 20 }] });
    const batch = () => Promise.all([1, 2, 3].map((i) => runner.run({ input: `task ${i}`, model: "sim/a" })));
    const first = await batch();
    expect(new Set(teamsStarted())).toHaveProperty("size", 3);
    expect(new Set(first.map((r) => r.runId)).size).toBe(3);
    const second = await batch();
    expect(teamsStarted()).toEqual([]);
    expect(second.map((r) => r.finalOutput)).toEqual(["ok", "ok", "ok"]);
  });

  it("runner.stream reuses its own teams (it reports progress that runner.run skips), events intact", async () => {
    const seen: SimRequest[] = [];
    const { runner, teamsStarted } = watched(handoffScripts(seen));
    const streamed = async () => {
      const types: string[] = [];
      const stream = runner.stream({ input: "go", model: ["sim/a", "sim/b"] });
      for await (const event of stream) types.push(event.type === "run.started" ? `run.started:${event.model}` : event.type);
      return types;
    };
    const first = await streamed();
    await runner.run({ input: "go", model: ["sim/a", "sim/b"] });
    expect(teamsStarted()).toHaveLength(2);
    const second = await streamed();
    expect(teamsStarted()).toEqual([]);
    expect(second).toEqual(first);
    expect(first[0]).toBe("run.started:sim/a");
    expect(first).toContain("handoff");
    expect(first.at(-1)).toBe("run.finished");
  });

  it("keeps at most 32 different option sets: the least recently used team is stopped first", async () => {
    const { runner, teamsStarted } = watched({ a: (request) => ({ text: request.system ?? "" }) });
    for (let i = 0; i < 33; i++) await runner.run({ input: "x", model: "sim/a", instructions: `variant ${i}` });
    expect(teamsStarted()).toHaveLength(33);
    await runner.run({ input: "x", model: "sim/a", instructions: "variant 32" });
    await runner.run({ input: "x", model: "sim/a", instructions: "variant 1" });
    expect(teamsStarted()).toEqual([]);
    expect((await runner.run({ input: "x", model: "sim/a", instructions: "variant 0" })).finalOutput).toContain("variant 0");
    expect(teamsStarted()).toHaveLength(1);
  });

  it("a run with delegations, repeated on the reused team, gives the same result", async () => {
    const { runner, teamsStarted } = watched({
      a: (request) =>
        request.callIndex === 0
          ? {
              delegate: [
                { to: "sim/b", task: "part 1" },
                { to: "sim/c", task: "part 2" },
              ],
            }
          : {
              text: `Combined: ${request.messages
                .filter((m) => m.role === "tool")
                .map((m) => m.content)
                .join(" + ")}`,
            },
      b: (request) => ({ text: `B did ${request.messages[0]!.content}` }),
      c: (request) => ({ text: `C did ${request.messages[0]!.content}` }),
    });
    const options = { input: "both parts", model: ["sim/a", "sim/b", "sim/c"], handoffs: "delegate" as const };
    const first = await runner.run(options);
    const second = await runner.run(options);
    expect(teamsStarted()).toHaveLength(1);
    for (const result of [first, second]) {
      expect(result.finalOutput).toBe("Combined: B did part 1 + C did part 2");
      expect(result.stepsUsed).toBe(4);
      expect(result.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "tool", "assistant"]);
    }
  });

  it("an idle team holds nothing of its last run: no transcript in the supervisor or the agents", async () => {
    const actors: AnyActorRef[] = [];
    const runner = simRunner(
      { a: [{ handoff: "sim/b" }], b: [{ text: "x".repeat(10_000) }] },
      { inspect: (event: InspectionEvent) => void (event.type === "@xstate.actor" && actors.push(event.actorRef as AnyActorRef)) },
    );
    const result = await runner.run({ input: "y".repeat(10_000), model: ["sim/a", "sim/b"] });
    expect(result.finalOutput).toHaveLength(10_000);
    expect(result.messages.length).toBeGreaterThan(2);
    const team = actors.filter((ref) => ref.id.startsWith("team:") || ref.id.startsWith("sim/"));
    expect(team.map((ref) => ref.id)).toEqual([expect.stringMatching(/^team:/), "sim/a", "sim/b"]);
    for (const ref of team) expect((ref.getSnapshot().context as { transcript: unknown[] }).transcript).toEqual([]);
    expect(JSON.stringify(team.map((ref) => ref.getSnapshot().context))).not.toContain("x".repeat(100));
  });

  it("close() stops the idle teams it kept", async () => {
    const actors: AnyActorRef[] = [];
    const runner = simRunner(
      { a: [{ text: "ok" }] },
      { inspect: (event: InspectionEvent) => void (event.type === "@xstate.actor" && actors.push(event.actorRef as AnyActorRef)) },
    );
    await runner.run({ input: "x", model: "sim/a" });
    const team = actors.filter((ref) => ref.id.startsWith("team:") || ref.id === "sim/a");
    expect(team).toHaveLength(2); // supervisor, agent (no local tools: no tools actor)
    const status = () => team.map((ref) => ref.getSnapshot().status);
    expect(status()).toEqual(["active", "active"]);
    await runner.close();
    expect(status()).toEqual(["stopped", "stopped"]);
    await expect(runner.run({ input: "x", model: "sim/a" })).rejects.toMatchObject({ code: "CLOSED" });
  });
});
