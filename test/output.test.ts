/**
 * Typed final output (issue 15) through the public API, on both providers over the wire (the
 * official SDKs against the strict sim server): valid the first time, invalid then repaired,
 * invalid twice → OUTPUT_INVALID with the partial result, and a handoff in each direction.
 */
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { BatonError, type RunEvent, Runner } from "../src/index.js";
import type { SimRequest, SimServer, SimTurn } from "../src/sim/index.js";
import { startCheckedSimServer } from "./support/checkedSimServer.js";

const OPENAI = "openai/gpt-4o-mini";
const ANTHROPIC = "anthropic/claude-sonnet-4-20250514";
const ANTHROPIC_NATIVE = "anthropic/claude-sonnet-4-5";
const wire = (id: string) => id.slice(id.indexOf("/") + 1);

const Post = z.object({ title: z.string(), body: z.string(), tags: z.array(z.string()) });
const good = { title: "Kestrel-2 in orbit", body: "It launched.", tags: ["space"] };

let server: SimServer;
let runner: Runner | undefined;
const scripts = new Map<string, (request: SimRequest) => SimTurn>();
const seen: SimRequest[] = [];

beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      seen.push(request);
      const script = scripts.get(request.model);
      if (!script) throw new Error(`no script for ${request.model}`);
      return script(request);
    },
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  server.reset();
  scripts.clear();
  seen.length = 0;
});

function newRunner(): Runner {
  runner = new Runner({
    env: {},
    providers: {
      openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
      anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
    },
  });
  return runner;
}

/**
 * The schema a request asked the model to answer in, as the wire carried it: OpenAI's
 * response_format, Anthropic's output_config, or (Anthropic models without structured output)
 * a final_answer tool.
 */
function askedSchema(request: SimRequest): Record<string, unknown> | undefined {
  return request.output?.schema ?? request.tools.find((t) => t.name === "final_answer")?.parameters;
}

/** Answers with these turns in order, for one model. */
function answers(model: string, ...turns: SimTurn[]): void {
  let n = 0;
  scripts.set(wire(model), () => turns[Math.min(n++, turns.length - 1)]!);
}

describe("typed output", () => {
  for (const model of [OPENAI, ANTHROPIC, ANTHROPIC_NATIVE]) {
    it(`${model}: a valid answer is parsed, validated and typed; the raw text stays in outputText`, async () => {
      answers(model, { json: good });
      const result = await newRunner().run({ input: "Write a post", model, output: Post });
      expectTypeOf(result.finalOutput).toEqualTypeOf<z.infer<typeof Post>>();
      expect(result.finalOutput).toEqual(good);
      expect(result.outputText).toBe(JSON.stringify(good));
      expect(askedSchema(seen[0]!)).toMatchObject({ type: "object", required: ["title", "body", "tags"] });
    });

    it(`${model}: an invalid answer gets one repair turn with the validation error, then passes`, async () => {
      answers(model, { json: { title: "only a title" } }, { json: good });
      const events: RunEvent[] = [];
      const stream = newRunner().stream({ input: "Write a post", model, output: Post });
      stream.on("run.finished", (e) => events.push(e));
      const result = await stream.result;
      expect(result.finalOutput).toEqual(good);
      expect(result.stepsUsed).toBe(2);
      const repair = seen[1]!.messages.at(-1)!;
      expect(repair.role).toBe("user");
      expect(repair.content).toMatch(/does not match the required output schema: body: .*; tags: .*Answer again/);
      expect(events[0]).toMatchObject({ type: "run.finished", result: { finalOutput: good } });
    });

    it(`${model}: invalid twice → OUTPUT_INVALID with the issues and the partial result`, async () => {
      answers(model, { text: "not json at all" });
      const error = await newRunner()
        .run({ input: "Write a post", model, output: Post })
        .then(
          () => new Error("completed"),
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(BatonError);
      const e = error as BatonError;
      expect(e.code).toBe("OUTPUT_INVALID");
      expect(e.message).toMatch(/did not match the output schema after 2 tries: the answer is not valid JSON/);
      expect(e.details.issues).toEqual([expect.stringMatching(/not valid JSON/)]);
      expect(e.partial?.stepsUsed).toBe(2);
      expect(e.partial?.outputText).toBe("not json at all");
    });
  }

  it("outputRetries: 0 fails at the first invalid answer; outputRetries: 2 allows two repairs", async () => {
    answers(OPENAI, { text: "no" }, { text: "still no" }, { json: good });
    const none = await newRunner()
      .run({ input: "x", model: OPENAI, output: Post, outputRetries: 0 })
      .catch((e: unknown) => e as BatonError);
    expect(none).toMatchObject({ code: "OUTPUT_INVALID" });
    expect((none as BatonError).partial?.stepsUsed).toBe(1);
    answers(OPENAI, { text: "no" }, { text: "still no" }, { json: good });
    const two = await newRunner().run({ input: "x", model: OPENAI, output: Post, outputRetries: 2 });
    expect(two.finalOutput).toEqual(good);
    expect(two.stepsUsed).toBe(3);
  });

  for (const [from, to] of [
    [OPENAI, ANTHROPIC],
    [ANTHROPIC, OPENAI],
  ] as const) {
    it(`a handoff ${from} → ${to}: the agent that ends the run answers in the schema, and the transcript is valid for it`, async () => {
      answers(from, { text: "Passing this on.", handoff: { to: to, reason: "writer" } });
      answers(to, { json: good });
      const result = await newRunner().run({ input: "Write a post", model: [from, to], output: Post });
      expect(result.finalOutput).toEqual(good);
      expect(result.lastModel).toBe(to);
      // Both calls could give the final answer, so both asked for the schema.
      expect(seen.map((r) => askedSchema(r)?.required)).toEqual([
        ["title", "body", "tags"],
        ["title", "body", "tags"],
      ]);
    });
  }

  it("per agent: the agent that gives the final answer uses its own schema, else the team's", async () => {
    const Summary = z.object({ summary: z.string() });
    answers(OPENAI, { handoff: { to: "writer" } });
    answers(ANTHROPIC, { json: { summary: "short" } });
    const result = await newRunner().run({
      input: "Summarise",
      agents: [
        { name: "triage", model: OPENAI },
        { name: "writer", model: ANTHROPIC, output: Summary },
      ],
      output: Post,
    });
    expect(result.finalOutput).toEqual({ summary: "short" });
    expect(askedSchema(seen[0]!)).toMatchObject({ required: ["title", "body", "tags"] });
    expect(askedSchema(seen[1]!)).toMatchObject({ required: ["summary"] });
  });

  it("a schema JSON cannot carry is a clear INVALID_OPTIONS before any call", async () => {
    const bad = z.object({ when: z.date() });
    const error = await newRunner()
      .run({ input: "x", model: OPENAI, output: bad })
      .catch((e: unknown) => e as BatonError);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
    expect((error as BatonError).message).toMatch(/cannot be written as JSON Schema/);
    expect(seen).toEqual([]);
  });

  it("team.run takes the team's output: each run's finalOutput is typed", async () => {
    answers(OPENAI, { json: good });
    const team = newRunner().team({ model: OPENAI, output: Post });
    const result = await team.run("Write");
    expectTypeOf(result.finalOutput).toEqualTypeOf<z.infer<typeof Post>>();
    expect(result.finalOutput.tags).toEqual(["space"]);
  });
});
