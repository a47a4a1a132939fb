/**
 * The SDK-derived request schemas catch what the sim server's own rules do not look at: unknown
 * fields, wrong shapes, missing fields. Through the checked server the body is refused with a
 * 400, so the test that sent it fails where it sent it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimServer } from "../../src/sim/index.js";
import { checkedBodies, startCheckedSimServer } from "../support/checkedSimServer.js";
import { requestSchemaProblem } from "../support/requestSchemas.js";
import { ANTHROPIC_MODEL, anthropicAt, modelRequest, OPENAI_MODEL, openaiAt, rejectionOf } from "./support.js";

const user = [{ role: "user", content: "hi" }];

describe("requestSchemaProblem", () => {
  it("accepts what the SDK types describe, streaming or not", () => {
    expect(requestSchemaProblem("openai", { model: "m", messages: user })).toBeUndefined();
    expect(
      requestSchemaProblem("openai", { model: "m", messages: user, stream: true, stream_options: { include_usage: true } }),
    ).toBeUndefined();
    expect(requestSchemaProblem("anthropic", { model: "m", max_tokens: 5, messages: user, stream: true })).toBeUndefined();
    // The deprecated sampling fields SDK 1.12 dropped from its type are still part of the request.
    expect(requestSchemaProblem("anthropic", { model: "m", max_tokens: 5, messages: user, temperature: 0.5, top_k: 3 })).toBeUndefined();
  });

  it("names an unknown field, a wrong shape and a missing field", () => {
    expect(requestSchemaProblem("anthropic", { model: "m", max_tokens: 5, messages: user, bogus: 1 })).toContain(
      "must NOT have additional properties 'bogus'",
    );
    expect(requestSchemaProblem("openai", { model: "m", messages: user, max_completion_tokens: "ten" })).toContain(
      "/max_completion_tokens must be",
    );
    expect(requestSchemaProblem("anthropic", { model: "m", messages: user })).toContain("must have required property 'max_tokens'");
    expect(
      requestSchemaProblem("anthropic", {
        model: "m",
        max_tokens: 5,
        messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/bmp", data: "AA" } }] }],
      }),
    ).toContain("/messages/0/content/0/source/media_type");
    expect(requestSchemaProblem("openai", { model: "m", messages: user, stream: false, stream_options: 3 })).toContain("/stream_options");
  });
});

describe("the checked sim server", () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startCheckedSimServer({ defaultScript: () => ({ text: "ok" }) });
  });
  afterAll(async () => {
    await server.close();
  });

  it("refuses a body an adapter sent with a field the SDK type does not have", async () => {
    const openaiError = await rejectionOf(
      openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { settings: { extra: { made_up: true } } })),
    );
    expect(openaiError.details).toMatchObject({ status: 400 });
    expect(openaiError.message).toContain("additional properties 'made_up'");
    const anthropicError = await rejectionOf(
      anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { settings: { extra: { metadata: "not an object" } } })),
    );
    expect(anthropicError.message).toContain("/metadata must be object");
    expect((await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL))).text).toBe("ok");
    expect(checkedBodies(server)).toBe(3);
  });
});
