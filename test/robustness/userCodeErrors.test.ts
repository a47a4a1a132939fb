/**
 * Issue 21, item 2: bad values from user code (a policy's decision, a handoffFilter's answer,
 * the messages of a run) fail that run with a BatonError that has a code and the partial result;
 * nothing escapes to the process, and the Runner (and the team) keep working.
 */
import { describe, expect, it } from "vitest";
import type { BatonError, Message, Runner } from "../../src/index.js";
import { simRunners } from "../support/simRunner.js";
import { batonError, drain, expectCode, processErrors, settle } from "./support.js";

const escaped = processErrors();
const simRunner = simRunners();

/** Two sim models: `a` answers or hands off (when told to), `b` answers. */
function twoModels(): Runner {
  return simRunner({
    a: (request) => (request.messages.some((m) => m.content === "hand off") ? { handoff: "sim/b" } : { text: "a answers" }),
    b: () => ({ text: "b answers" }),
  });
}

/** The runner still runs a plain task (its actor system was not poisoned), on a new team and a reused one. */
async function stillWorks(runner: Runner): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const result = await runner.run({ input: "again", model: ["sim/a", "sim/b"] });
    expect(result).toMatchObject({ status: "completed", finalOutput: "a answers" });
  }
}

/** The run failed with a BatonError of one of `codes`, with a partial result that kept the user's input. */
function expectPartial(error: BatonError, input: string): void {
  expect(error.partial, `${error.code}: ${error.message} has no partial`).toBeDefined();
  expect(error.partial!.status).toBe("stopped");
  expect(error.partial!.messages).toContainEqual({ role: "user", content: input });
}

async function expectNothingEscaped(): Promise<void> {
  await drain();
  expect(escaped.map((e) => (e instanceof Error ? e.message : String(e)))).toEqual([]);
}

describe("user code that returns bad values fails only its own run", () => {
  it("a policy decision with `tools: 5` (function policy): POLICY_ERROR naming tools, with partial; the Runner works after", async () => {
    const runner = twoModels();
    const outcome = await settle(() => runner.run({ input: "go", model: ["sim/a", "sim/b"], policy: () => ({ tools: 5 as never }) }));
    const error = batonError(outcome, "run with tools: 5");
    expectCode(error, ["POLICY_ERROR"]);
    expect(error.message).toMatch(/tools/);
    expectPartial(error, "go");
    await expectNothingEscaped();
    await stillWorks(runner);
  });

  it("a plain-object policy with `tools: 5`: a BatonError (POLICY_ERROR or INVALID_OPTIONS) naming tools; the Runner works after", async () => {
    const runner = twoModels();
    const outcome = await settle(() => runner.run({ input: "go", model: ["sim/a", "sim/b"], policy: { tools: 5 as never } }));
    const error = batonError(outcome, "run with policy { tools: 5 }");
    expectCode(error, ["POLICY_ERROR", "INVALID_OPTIONS"]);
    expect(error.message).toMatch(/tools/);
    await expectNothingEscaped();
    await stillWorks(runner);
  });

  it("a decision object with a throwing getter: POLICY_ERROR carrying the getter's message, with partial; the Runner works after", async () => {
    const runner = twoModels();
    const policy = () => ({
      get model(): string {
        throw new Error("getter exploded");
      },
    });
    const error = batonError(
      await settle(() => runner.run({ input: "go", model: ["sim/a", "sim/b"], policy })),
      "run with a throwing getter in the decision",
    );
    expectCode(error, ["POLICY_ERROR"]);
    expect(error.message).toMatch(/getter exploded/);
    expectPartial(error, "go");
    await expectNothingEscaped();
    await stillWorks(runner);
  });

  it("a throwing getter on a stream's decision: the stream ends with run.failed (POLICY_ERROR) as its last event", async () => {
    const runner = twoModels();
    const stream = runner.stream({
      input: "go",
      model: ["sim/a", "sim/b"],
      policy: () => ({
        get stop(): boolean {
          throw new Error("stop getter exploded");
        },
      }),
    });
    const types: string[] = [];
    const iterated = await settle(async () => {
      for await (const event of stream) types.push(event.type);
    });
    const error = batonError(iterated, "iterating the stream");
    expectCode(error, ["POLICY_ERROR"]);
    expect(types[0]).toBe("run.started");
    expect(types.at(-1)).toBe("run.failed");
    expectPartial(batonError(await settle(() => stream.result), "stream.result"), "go");
    await expectNothingEscaped();
    await stillWorks(runner);
  });

  for (const [label, answer] of [
    ["a number", 5],
    ["null", null],
    ["an array holding null", [null]],
  ] as const) {
    it(`a handoffFilter that returns ${label}: POLICY_ERROR naming handoffFilter, with partial; the Runner works after`, async () => {
      const runner = twoModels();
      const outcome = await settle(() =>
        runner.run({ input: "hand off", model: ["sim/a", "sim/b"], handoffFilter: () => answer as unknown as Message[] }),
      );
      const error = batonError(outcome, `handoffFilter returning ${label}`);
      expectCode(error, ["POLICY_ERROR"]);
      expect(error.message).toMatch(/handoffFilter/);
      expectPartial(error, "hand off");
      await expectNothingEscaped();
      await stillWorks(runner);
    });
  }

  it("`messages: [null]` on runner.run: INVALID_OPTIONS naming messages[0]; the Runner works after", async () => {
    const runner = twoModels();
    const outcome = await settle(() => runner.run({ input: "go", model: ["sim/a", "sim/b"], messages: [null as unknown as Message] }));
    const error = batonError(outcome, "run with messages: [null]");
    expectCode(error, ["INVALID_OPTIONS"]);
    expect(error.message).toMatch(/messages\[0\]/);
    await expectNothingEscaped();
    await stillWorks(runner);
  });

  it("`messages: [null]` on runner.stream: INVALID_OPTIONS; the Runner works after", async () => {
    const runner = twoModels();
    const outcome = await settle(() => runner.stream({ input: "go", model: "sim/a", messages: [null as unknown as Message] }).result);
    expectCode(batonError(outcome, "stream with messages: [null]"), ["INVALID_OPTIONS"]);
    await expectNothingEscaped();
    await stillWorks(runner);
  });

  it("`messages: [null]` on team.run: INVALID_OPTIONS naming messages[0]; the same team and the Runner work after", async () => {
    const runner = twoModels();
    const team = runner.team({ model: ["sim/a", "sim/b"] });
    const outcome = await settle(() => team.run("go", { messages: [null as unknown as Message] }));
    const error = batonError(outcome, "team.run with messages: [null]");
    expectCode(error, ["INVALID_OPTIONS"]);
    expect(error.message).toMatch(/messages\[0\]/);
    await expectNothingEscaped();
    expect(await team.run("next")).toMatchObject({ status: "completed", finalOutput: "a answers" });
    await stillWorks(runner);
  });

  it("messages holding other non-messages (a string, an unknown role): INVALID_OPTIONS", async () => {
    const runner = twoModels();
    const bad: unknown[] = ["hello", { role: "robot", content: "x" }];
    for (const message of bad) {
      const outcome = await settle(() => runner.run({ input: "go", model: "sim/a", messages: [message as Message] }));
      expectCode(batonError(outcome, `messages: [${JSON.stringify(message)}]`), ["INVALID_OPTIONS"]);
    }
    await expectNothingEscaped();
    await stillWorks(runner);
  });
});
