/** The providers registry makes providers from a table of factories, by kind; nothing is hard-wired. */
import { describe, expect, it } from "vitest";
import { BUILTIN_FACTORIES, ProviderRegistry } from "../../actors/providers/registry.js";
import type { Provider } from "../../src/providers/types.js";

const fake = (name: string): Provider => ({
  name,
  call: async () => ({ text: name, toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: "stop" }),
});

describe("provider registry", () => {
  it("makes each kind with its factory from the table, once per name, with the config and env", () => {
    const made: Array<[string, unknown, unknown]> = [];
    const registry = new ProviderRegistry(
      { sim: { scripts: {} }, mine: { kind: "openai-compatible", baseURL: "http://127.0.0.1:1/v1" } },
      { X: "1" },
      {
        ...BUILTIN_FACTORIES,
        sim: (name, config, env) => (made.push([name, config, env]), fake(`custom-${name}`)),
        "openai-compatible": (name) => fake(`compat-${name}`),
      },
    );
    expect(registry.get("sim").name).toBe("custom-sim");
    expect(registry.get("sim")).toBe(registry.get("sim"));
    expect(made).toEqual([["sim", { scripts: {} }, { X: "1" }]]);
    expect(registry.get("mine").name).toBe("compat-mine");
    expect(registry.get("ollama").name).toBe("compat-ollama");
  });

  it("an unknown name, or a kind the table does not have, is UNKNOWN_PROVIDER naming the known ones", () => {
    const registry = new ProviderRegistry({ odd: { kind: "nope" as never } }, {});
    expect(() => registry.get("acme")).toThrow(
      expect.objectContaining({ code: "UNKNOWN_PROVIDER", message: expect.stringContaining("Known providers: openai, anthropic, sim") }),
    );
    expect(() => registry.get("odd")).toThrow(expect.objectContaining({ code: "UNKNOWN_PROVIDER" }));
  });

  it("the built-in table covers every kind", () => {
    expect(Object.keys(BUILTIN_FACTORIES).sort()).toEqual(["anthropic", "openai", "openai-compatible", "sim"]);
  });
});
