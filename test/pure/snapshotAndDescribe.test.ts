/** checkSnapshot (version 1 → 2), and describeValue, which error messages lean on and which must never throw. */
import { describe, expect, it } from "vitest";
import { BatonError } from "../../src/errors.js";
import { describeValue, isPlainObject } from "../../src/options/describe.js";
import { checkSnapshot, SNAPSHOT_VERSION, type TeamSnapshot, type TeamSnapshotV1 } from "../../src/team/snapshot.js";

const transcript = [
  { role: "user" as const, content: [{ type: "text" as const, text: "hi" }] },
  { role: "assistant" as const, content: "hello", meta: { model: "sim/a" } },
];
const usage = { inputTokens: 10, outputTokens: 4, calls: 2 };

describe("checkSnapshot", () => {
  const v2: TeamSnapshot = {
    version: 2,
    teamId: "t1",
    agents: [
      { name: "writer", model: "sim/a" },
      { name: "critic", model: "sim/b" },
    ],
    active: "critic",
    transcript,
    runs: 3,
    stepsUsed: 7,
    handoffs: 2,
    usage: { inputTokens: 10, outputTokens: 4, byModel: { "sim/a": usage }, byAgent: { writer: usage } },
    takenAt: "2026-01-01T00:00:00.000Z",
  };

  it("reads the current version as it is, its transcript checked and copied", () => {
    const read = checkSnapshot(v2);
    expect(read).toEqual(v2);
    expect(read.transcript).not.toBe(v2.transcript);
    expect(SNAPSHOT_VERSION).toBe(2);
  });

  it("reads version 1 as version 2: models become agents named by their ids, usage by model is also usage by agent", () => {
    const v1: TeamSnapshotV1 = {
      version: 1,
      teamId: "t0",
      models: ["sim/a", "sim/b"],
      activeModel: "sim/b",
      transcript,
      runs: 1,
      stepsUsed: 2,
      handoffs: 1,
      usage: { inputTokens: 10, outputTokens: 4, byModel: { "sim/a": usage } },
      takenAt: "2025-06-01T00:00:00.000Z",
    };
    const read = checkSnapshot(JSON.parse(JSON.stringify(v1)));
    expect(read).toEqual({
      version: 2,
      teamId: "t0",
      agents: [
        { name: "sim/a", model: "sim/a" },
        { name: "sim/b", model: "sim/b" },
      ],
      active: "sim/b",
      transcript,
      runs: 1,
      stepsUsed: 2,
      handoffs: 1,
      usage: { inputTokens: 10, outputTokens: 4, byModel: { "sim/a": usage }, byAgent: { "sim/a": usage } },
      takenAt: "2025-06-01T00:00:00.000Z",
    });
    // The two usage maps are copies, not one object twice.
    expect(read.usage.byAgent).not.toBe(read.usage.byModel);
  });

  it("a version 1 snapshot with counters missing reads them as zero", () => {
    const read = checkSnapshot({ version: 1, teamId: "t0", models: ["sim/a"], activeModel: "sim/a", transcript: [], takenAt: "x" });
    expect(read).toMatchObject({
      runs: 0,
      stepsUsed: 0,
      handoffs: 0,
      usage: { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} },
    });
  });

  it.each<[string, unknown, RegExp]>([
    ["null", null, /from must be a snapshot returned by team\.snapshot\(\); got null\./],
    ["a string", "snap", /got "snap"/],
    ["an object without a transcript", { version: 2 }, /from must be a snapshot/],
    [
      "an unknown version",
      { ...{ version: 3 }, transcript: [] },
      /Snapshot version 3 is not supported; this baton reads versions 1 and 2\./,
    ],
    [
      "a transcript with a bad message",
      { version: 2, transcript: [{ role: "robot", content: "x" }] },
      /from\.transcript\[0\] is not a message/,
    ],
  ])("refuses %s with INVALID_OPTIONS", (_, value, message) => {
    let thrown: unknown;
    try {
      checkSnapshot(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BatonError);
    expect((thrown as BatonError).code).toBe("INVALID_OPTIONS");
    expect((thrown as BatonError).message).toMatch(message);
  });
});

describe("describeValue never throws", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  class Widget {}
  const throwingConstructor = Object.create(
    Object.defineProperty({}, "constructor", {
      get() {
        throw new Error("no");
      },
    }),
  );
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const hostile = new Proxy(
    {},
    {
      getPrototypeOf() {
        throw new Error("trap");
      },
      get() {
        throw new Error("trap");
      },
    },
  );

  it.each<[string, () => unknown, string]>([
    ["null", () => null, "null"],
    ["undefined", () => undefined, "nothing"],
    ["a short string", () => "hi", '"hi"'],
    ["a long string (cut)", () => "x".repeat(100), `"${"x".repeat(57)}…"`],
    ["a number", () => 4.5, "4.5"],
    ["NaN", () => Number.NaN, "NaN"],
    ["a boolean", () => false, "false"],
    ["a BigInt", () => 12n, "12n (a BigInt)"],
    ["a Symbol", () => Symbol("secret"), "a Symbol"],
    ["a function", () => () => 1, "a function"],
    ["an array", () => [1, 2, 3], "an array of 3"],
    ["a plain object", () => ({ a: 1 }), "an object"],
    ["a cyclic object", () => cyclic, "an object"],
    ["a null-prototype object", () => Object.create(null), "an object without a prototype"],
    ["a class instance", () => new Widget(), "a Widget"],
    ["a Map", () => new Map(), "a Map"],
    ["a constructor getter that throws", () => throwingConstructor, "a value that cannot be described"],
    ["a revoked Proxy", () => revoked.proxy, "a value that cannot be described"],
    ["a Proxy whose traps throw", () => hostile, "a value that cannot be described"],
  ])("%s", (_, value, text) => {
    // Values are made in the test: the test runner itself cannot print the hostile ones.
    expect(describeValue(value())).toBe(text);
  });
});

describe("isPlainObject", () => {
  it("true only for {…} and null-prototype objects", () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const value of [null, undefined, [], new Date(), () => ({}), "x", 1, new (class {})()]) expect(isPlainObject(value)).toBe(false);
  });
});
