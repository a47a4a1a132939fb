/**
 * Issue 21, item 6: bad options are a BatonError naming the option, never a TypeError or a
 * RangeError, and describing the bad value never throws (Symbols, BigInts, circular objects,
 * null-prototype objects). The options are checked before anything is set up, so the Runner
 * works afterwards.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type BatonErrorCode, defineTool, policies, Runner, type RunOptions } from "../../src/index.js";
import { simRunners } from "../support/simRunner.js";
import { batonError, expectCode, processErrors, settle } from "./support.js";

const escaped = processErrors();
const simRunner = simRunners();

const circular = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { name: "loop" };
  value.self = value;
  return value;
};
/** A value that cannot even be turned into a string. */
const nullPrototype = (): object => Object.create(null);

function sim(): Runner {
  return simRunner({ a: () => ({ text: "a answers" }), b: () => ({ text: "b answers" }) });
}

async function stillWorks(runner: Runner): Promise<void> {
  expect(await runner.run({ input: "again", model: "sim/a" })).toMatchObject({ status: "completed", finalOutput: "a answers" });
  expect(escaped).toEqual([]);
}

/** `fn` fails with a BatonError of one of `codes` whose message matches `mentions`. */
async function rejects(fn: () => unknown, codes: readonly BatonErrorCode[], mentions: RegExp, what: string): Promise<void> {
  const error = batonError(await settle(fn), what);
  expectCode(error, codes);
  expect(error.message, what).toMatch(mentions);
}

describe("bad options are BatonErrors naming the option", () => {
  it("run(null), run(undefined), run(5), stream(undefined), stream(null): INVALID_OPTIONS", async () => {
    const runner = sim();
    for (const bad of [null, undefined, 5, "go"]) {
      await rejects(() => runner.run(bad as unknown as RunOptions), ["INVALID_OPTIONS"], /option|input|model/i, `run(${String(bad)})`);
    }
    for (const bad of [undefined, null]) {
      await rejects(
        () => runner.stream(bad as unknown as RunOptions).result,
        ["INVALID_OPTIONS"],
        /option|input|model/i,
        `stream(${String(bad)})`,
      );
    }
    await stillWorks(runner);
  });

  it("new Runner(null) and new Runner(5): INVALID_OPTIONS", async () => {
    for (const bad of [null, 5, "x"]) {
      await rejects(() => new Runner(bad as never), ["INVALID_OPTIONS"], /Runner|option/i, `new Runner(${String(bad)})`);
    }
  });

  it("new Runner({ inspect: 5 }) fails at once with INVALID_OPTIONS naming inspect (not accepted and then breaking every run)", async () => {
    for (const bad of [5, "yes", true]) {
      await rejects(() => new Runner({ inspect: bad as never }), ["INVALID_OPTIONS"], /inspect/, `inspect: ${JSON.stringify(bad)}`);
    }
    // A function and an observer object stay valid.
    const seen: unknown[] = [];
    const runner = new Runner({ inspect: (event) => seen.push(event), providers: { sim: { scripts: { a: [{ text: "x" }] } } } });
    try {
      expect(await runner.run({ input: "go", model: "sim/a" })).toMatchObject({ status: "completed" });
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      await runner.close();
    }
  });

  it("team.run('x', null): INVALID_OPTIONS; the team works after", async () => {
    const runner = sim();
    const team = runner.team({ model: "sim/a" });
    await rejects(() => team.run("x", null as never), ["INVALID_OPTIONS"], /option|team\.run/i, "team.run('x', null)");
    expect(await team.run("next")).toMatchObject({ status: "completed" });
    await stillWorks(runner);
  });

  it("a signal that is not an AbortSignal: INVALID_OPTIONS naming signal, before the team is set up; the Runner works after", async () => {
    const runner = sim();
    for (const bad of [{}, "abort", { aborted: false }]) {
      await rejects(() => runner.run({ input: "x", model: "sim/a", signal: bad as never }), ["INVALID_OPTIONS"], /signal/, "run signal");
      await rejects(
        () => runner.stream({ input: "x", model: "sim/a", signal: bad as never }).result,
        ["INVALID_OPTIONS"],
        /signal/,
        "stream signal",
      );
    }
    const team = runner.team({ model: "sim/a" });
    await rejects(() => team.run("x", { signal: {} as never }), ["INVALID_OPTIONS"], /signal/, "team.run signal");
    expect(await team.run("next")).toMatchObject({ status: "completed" });
    await stillWorks(runner);
  });

  it("mcpServers that is not an array (a number, an object, a command string): INVALID_OPTIONS naming mcpServers", async () => {
    const runner = sim();
    for (const bad of [5, {}, "npx -y @modelcontextprotocol/server-everything"]) {
      await rejects(
        () => runner.run({ input: "x", model: "sim/a", mcpServers: bad as never }),
        ["INVALID_OPTIONS"],
        /mcpServers/,
        `mcpServers: ${JSON.stringify(bad)}`,
      );
      await rejects(() => runner.team({ model: "sim/a", mcpServers: bad as never }), ["INVALID_OPTIONS"], /mcpServers/, "team mcpServers");
    }
    await stillWorks(runner);
  });

  it("a Symbol or a null-prototype value for model: INVALID_MODEL or INVALID_OPTIONS naming the model", async () => {
    const runner = sim();
    const bads: unknown[] = [Symbol("m"), [Symbol("m")], ["sim/a", Symbol("m")], { model: Symbol("m") }, { model: nullPrototype() }];
    for (const model of bads) {
      await rejects(() => runner.run({ input: "x", model: model as never }), ["INVALID_MODEL", "INVALID_OPTIONS"], /model/i, "model");
      await rejects(() => runner.team({ model: model as never }), ["INVALID_MODEL", "INVALID_OPTIONS"], /model/i, "team model");
    }
    await stillWorks(runner);
  });

  it("a Symbol, null-prototype object or number for instructions: INVALID_OPTIONS naming instructions", async () => {
    const runner = sim();
    for (const instructions of [Symbol("i"), nullPrototype(), 5]) {
      await rejects(
        () => runner.run({ input: "x", model: "sim/a", instructions: instructions as never }),
        ["INVALID_OPTIONS"],
        /instructions/,
        "instructions",
      );
      await rejects(
        () => runner.stream({ input: "x", model: "sim/a", instructions: instructions as never }).result,
        ["INVALID_OPTIONS"],
        /instructions/,
        "stream instructions",
      );
    }
    await stillWorks(runner);
  });

  it("a Symbol, BigInt, circular or null-prototype maxSteps / maxHandoffs: INVALID_OPTIONS naming the limit", async () => {
    const runner = sim();
    const team = runner.team({ model: "sim/a" });
    for (const value of [Symbol("n"), 10n, circular(), nullPrototype()]) {
      await rejects(
        () => runner.run({ input: "x", model: "sim/a", maxSteps: value as never }),
        ["INVALID_OPTIONS"],
        /maxSteps/,
        "maxSteps",
      );
      await rejects(
        () => runner.run({ input: "x", model: "sim/a", maxHandoffs: value as never }),
        ["INVALID_OPTIONS"],
        /maxHandoffs/,
        "maxHandoffs",
      );
      await rejects(() => runner.team({ model: "sim/a", maxSteps: value as never }), ["INVALID_OPTIONS"], /maxSteps/, "team maxSteps");
      await rejects(() => team.run("x", { maxSteps: value as never }), ["INVALID_OPTIONS"], /maxSteps/, "team.run maxSteps");
    }
    expect(await team.run("next")).toMatchObject({ status: "completed" });
    await stillWorks(runner);
  });

  it("a circular policy object or circular model settings: the same clear BatonError from run, stream and runner.team()", async () => {
    // Settings travel in grants and go into request bodies as JSON: a cycle can never be sent,
    // so every entry point refuses it the same way, before any call (no stack overflow).
    const runner = sim();
    const policy = { modelSettings: { extra: circular() } };
    const model = { model: "sim/a", settings: { extra: circular() } };
    for (const [options, codes] of [
      [{ model: "sim/a", policy }, ["POLICY_ERROR", "INVALID_OPTIONS"]],
      [{ model }, ["INVALID_OPTIONS", "INVALID_MODEL"]],
    ] as const) {
      for (const start of [
        () => runner.team(options as never),
        () => runner.run({ input: "x", ...options } as never),
        () => runner.stream({ input: "x", ...options } as never).result,
      ]) {
        const error = batonError(await settle(async () => start()), "circular settings");
        expectCode(error, [...codes]);
        expect(error.message).toMatch(/settings\.extra.*plain JSON data/);
      }
    }
    await stillWorks(runner);
  });

  it("defineTool with a BigInt, circular, Symbol or null-prototype name: INVALID_TOOL naming the name rule", async () => {
    for (const name of [10n, circular(), Symbol("t"), nullPrototype()]) {
      await rejects(
        () => defineTool({ name: name as never, description: "d", parameters: z.object({}), execute: () => "x" }),
        ["INVALID_TOOL"],
        /name/,
        "tool name",
      );
    }
    await rejects(() => defineTool(null as never), ["INVALID_TOOL"], /tool/i, "defineTool(null)");
    await rejects(
      () => defineTool({ name: "t", description: "d", parameters: circular() as never, execute: () => "x" }),
      ["INVALID_TOOL"],
      /parameters/,
      "circular parameters",
    );
  });

  it("policies.byStep(null) or byStep(5): a BatonError (POLICY_ERROR or INVALID_OPTIONS) naming byStep", async () => {
    for (const plan of [null, undefined, 5]) {
      await rejects(() => policies.byStep(plan as never), ["POLICY_ERROR", "INVALID_OPTIONS"], /byStep/, `byStep(${String(plan)})`);
    }
  });
});
