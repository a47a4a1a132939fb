import { afterEach, describe, expect, it } from "vitest";
import { Runner } from "../../src/index.js";
import { createSimProvider, type SimRequest } from "../../src/sim/index.js";

const request = (sessionId: string, model = "writer") => ({
  modelId: `sim/${model}`,
  model,
  messages: [{ role: "user" as const, content: "hi" }],
  tools: [],
  settings: {},
  sessionId,
});

describe("in-process sim provider", () => {
  it("answers a json turn with its JSON text and shows the script the output asked for", async () => {
    let asked: SimRequest["output"];
    const output = { name: "Post", schema: { type: "object", properties: { title: { type: "string" } } }, strict: false };
    const provider = createSimProvider({
      scripts: {
        writer: (r: SimRequest) => {
          asked = r.output;
          return { json: { title: "Launch" }, text: "ignored when json is given" };
        },
      },
    });
    const response = await provider.call({ ...request("a"), output });
    expect(JSON.parse(response.text)).toEqual({ title: "Launch" });
    expect(asked).toEqual(output);
  });

  it("estimates input tokens from the text of content parts", async () => {
    const provider = createSimProvider({ scripts: { writer: [{ text: "ok" }] } });
    const parts = [
      { type: "text" as const, text: "x".repeat(40) },
      { type: "image" as const, url: "https://example.com/a.png" },
    ];
    const response = await provider.call({ ...request("a"), messages: [{ role: "user", content: parts }] });
    expect(response.usage.inputTokens).toBe(Math.ceil(`${"x".repeat(40)}\n[image]`.length / 4));
  });

  it("counts turns per conversation and per model, and forgets a conversation that ended", async () => {
    const seen: number[] = [];
    const provider = createSimProvider({
      scripts: {
        writer: (r: SimRequest) => {
          seen.push(r.callIndex);
          return { text: `turn ${r.callIndex}` };
        },
      },
    });
    expect((await provider.call(request("a"))).text).toBe("turn 0");
    expect((await provider.call(request("a"))).text).toBe("turn 1");
    expect((await provider.call(request("b"))).text).toBe("turn 0");
    provider.endSession?.("a");
    expect((await provider.call(request("a"))).text).toBe("turn 0");
    expect((await provider.call(request("b"))).text).toBe("turn 1");
    expect(seen).toEqual([0, 1, 0, 0, 1]);
  });

  describe("through a Runner", () => {
    let runner: Runner | undefined;
    afterEach(async () => {
      await runner?.close();
      runner = undefined;
    });

    it("starts every new team at turn 0 of a list script, however many teams ran before", async () => {
      runner = new Runner({ providers: { sim: { scripts: { writer: [{ text: "first" }, { text: "second" }] } } }, env: {} });
      for (let i = 0; i < 3; i++) {
        const team = runner.team({ model: "sim/writer" });
        expect((await team.run("one")).finalOutput).toBe("first");
        expect((await team.run("two")).finalOutput).toBe("second");
        await team.stop();
      }
      expect((await runner.run({ input: "x", model: "sim/writer" })).finalOutput).toBe("first");
    });
  });
});
