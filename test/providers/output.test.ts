/**
 * Structured output on the wire: the OutputSpec a zod schema becomes, OpenAI `response_format`
 * (json_schema, strict only where the schema allows it; json_object for a model without it),
 * Anthropic `output_config.format` or, for a model the catalog knows lacks it, a final-answer
 * tool. The strict sim server refuses what the real APIs refuse; the JSON comes back as text.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { anthropicOutputSchema } from "../../src/providers/anthropicOutput.js";
import { outputSpec, strictCompatible } from "../../src/providers/output.js";
import type { OutputSpec } from "../../src/providers/types.js";
import type { SimRequest, SimServer } from "../../src/sim/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { ANTHROPIC_MODEL, anthropicAt, lastBody, modelRequest, OPENAI_MODEL, openaiAt, rejectionOf, searchTool } from "./support.js";

const Post = z.object({ title: z.string(), body: z.string(), tags: z.array(z.string()), words: z.number().int() });
const post = { title: "Launch", body: "It flew.", tags: ["space"], words: 2 };

describe("outputSpec and strictCompatible", () => {
  it("turns a zod object into a strict JSON Schema without the $schema key or int bounds", () => {
    const spec = outputSpec("Post", Post);
    expect(spec).toEqual({
      name: "Post",
      strict: true,
      schema: {
        type: "object",
        properties: {
          title: { type: "string" },
          body: { type: "string" },
          tags: { type: "array", items: { type: "string" } },
          words: { type: "integer" },
        },
        required: ["title", "body", "tags", "words"],
        additionalProperties: false,
      },
    });
  });

  it("is not strict where a field is optional, an object is open, or a keyword is outside strict mode", () => {
    expect(outputSpec("A", z.object({ a: z.string().optional() })).strict).toBe(false);
    expect(outputSpec("B", z.object({ b: z.object({ c: z.string() }).passthrough() })).strict).toBe(false);
    expect(outputSpec("C", z.object({ c: z.string().min(3) })).strict).toBe(false);
    expect(outputSpec("D", z.object({ d: z.string().nullable(), e: z.enum(["x", "y"]), n: z.number().max(5) })).strict).toBe(true);
    expect(strictCompatible({ type: "array", items: { type: "string" } })).toBe(false);
    expect(strictCompatible({ type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false })).toBe(
      true,
    );
  });

  it("refuses a bad name, a non-object schema, and types JSON cannot carry", () => {
    expect(() => outputSpec("has space", Post)).toThrow(/must match/);
    expect(() => outputSpec("X", z.string() as never)).toThrow(/zod object/);
    expect(() => outputSpec("X", z.object({ when: z.date() }))).toThrow(/JSON types only/);
  });

  it("gives Anthropic closed objects and moves the constraints it does not take into descriptions", () => {
    const schema = outputSpec("S", z.object({ n: z.number().min(1).max(9), items: z.array(z.object({ x: z.string() })).min(2) })).schema;
    expect(anthropicOutputSchema(schema)).toEqual({
      type: "object",
      properties: {
        n: { type: "number", description: "(minimum: 1, maximum: 9)" },
        items: {
          type: "array",
          items: { type: "object", properties: { x: { type: "string" } }, required: ["x"], additionalProperties: false },
          description: "(minItems: 2)",
        },
      },
      required: ["n", "items"],
      additionalProperties: false,
    });
  });
});

let server: SimServer;
/** The output each model was asked for, by wire model name. */
const asked = new Map<string, SimRequest["output"]>();
beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      asked.set(request.model, request.output);
      // A model without native structured output answers through the final-answer tool.
      const tool = request.tools.find((t) => t.name.startsWith("final_answer"));
      return tool ? { toolCalls: [{ name: tool.name, args: post }] } : { json: post };
    },
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  asked.clear();
});

const spec = outputSpec("Post", Post);

describe("OpenAI response_format", () => {
  for (const stream of [false, true]) {
    it(`sends json_schema with strict and returns the JSON as text${stream ? " (streamed)" : ""}`, async () => {
      const response = await openaiAt(server).call(
        modelRequest("openai", OPENAI_MODEL, { output: spec, ...(stream ? { onTextDelta: () => {} } : {}) }),
      );
      expect(JSON.parse(response.text)).toEqual(post);
      expect(lastBody(server).response_format).toEqual({
        type: "json_schema",
        json_schema: { name: "Post", schema: spec.schema, strict: true },
      });
      expect(asked.get(OPENAI_MODEL)).toEqual(spec);
    });
  }

  it("sends a schema strict mode cannot enforce with strict: false, which the API accepts", async () => {
    const loose = outputSpec("Loose", z.object({ a: z.string().optional() }));
    await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { output: loose }));
    expect(lastBody(server).response_format).toMatchObject({ json_schema: { strict: false } });
    expect(server.requests.at(-1)?.status).toBe(200);
  });

  it("the strict server refuses strict: true on a schema strict mode cannot enforce, as the API does", async () => {
    const forced: OutputSpec = { ...outputSpec("Loose", z.object({ a: z.string(), b: z.string().optional() })), strict: true };
    const error = await rejectionOf(openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { output: forced })));
    expect(error.details).toMatchObject({ status: 400 });
    expect(error.message).toContain("Invalid schema for response_format 'Loose'");
    expect(error.message).toContain("Missing 'b'");
  });

  it("uses json_object with the schema in a system message for a model without json_schema", async () => {
    const response = await openaiAt(server).call(modelRequest("openai", "gpt-3.5-turbo", { system: "Be brief.", output: spec }));
    expect(JSON.parse(response.text)).toEqual(post);
    const body = lastBody(server);
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(body.messages[1]).toMatchObject({ role: "system", content: expect.stringContaining("JSON Schema, named Post") });
  });

  it("the strict server refuses json_schema on a model that lacks it", async () => {
    const res = await fetch(`${server.openaiBaseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-3.5-turbo",
        messages: [{ role: "user", content: "hi" }],
        response_format: { type: "json_schema", json_schema: { name: "Post", schema: spec.schema } },
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("'json_schema' is not supported with this model");
  });
});

describe("Anthropic output_config and the final-answer tool", () => {
  for (const stream of [false, true]) {
    it(`sends output_config.format to a model that has it and returns the JSON as text${stream ? " (streamed)" : ""}`, async () => {
      const response = await anthropicAt(server).call(
        modelRequest("anthropic", "claude-sonnet-4-6", {
          output: spec,
          settings: { extra: { output_config: { effort: "low" } } },
          ...(stream ? { onTextDelta: () => {} } : {}),
        }),
      );
      expect(JSON.parse(response.text)).toEqual(post);
      expect(lastBody(server).output_config).toEqual({
        effort: "low",
        format: { type: "json_schema", schema: anthropicOutputSchema(spec.schema) },
      });
      expect(asked.get("claude-sonnet-4-6")?.schema).toEqual(anthropicOutputSchema(spec.schema));
    });
  }

  for (const stream of [false, true]) {
    it(`answers through a final-answer tool on a model without structured output${stream ? " (streamed)" : ""}`, async () => {
      const response = await anthropicAt(server).call(
        modelRequest("anthropic", ANTHROPIC_MODEL, { output: spec, tools: [searchTool], ...(stream ? { onTextDelta: () => {} } : {}) }),
      );
      expect(response).toMatchObject({ toolCalls: [], stopReason: "stop" });
      expect(JSON.parse(response.text)).toEqual(post);
      const body = lastBody(server);
      expect(body.output_config).toBeUndefined();
      expect((body.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(["search", "final_answer"]);
      expect(body.tool_choice).toEqual({ type: "any" });
    });
  }

  it("forces the final-answer tool when the agent has no tools, and leaves the choice to the model with thinking on", async () => {
    await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { output: spec }));
    expect(lastBody(server).tool_choice).toEqual({ type: "tool", name: "final_answer" });
    const thinking = { maxTokens: 4096, extra: { thinking: { type: "enabled", budget_tokens: 1024 } } };
    await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { output: spec, tools: [searchTool], settings: thinking }));
    expect(lastBody(server).tool_choice).toEqual({ type: "auto" });
    expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it("the strict server refuses output_config on a model without it, and an open object schema anywhere", async () => {
    const send = (model: string, schema: unknown) =>
      fetch(`${server.anthropicBaseURL}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model,
          max_tokens: 100,
          messages: [{ role: "user", content: "hi" }],
          output_config: { format: { type: "json_schema", schema } },
        }),
      });
    const old = await send(ANTHROPIC_MODEL, anthropicOutputSchema(spec.schema));
    expect(old.status).toBe(400);
    expect(JSON.stringify(await old.json())).toContain("output_config.format: Extra inputs are not permitted");
    const open = await send("claude-sonnet-4-6", {
      type: "object",
      properties: { a: { type: "object", properties: {} } },
      additionalProperties: false,
    });
    expect(open.status).toBe(400);
    expect(JSON.stringify(await open.json())).toContain("'additionalProperties' must be explicitly set to false");
  });
});
