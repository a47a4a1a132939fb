/** checkDecision: a policy's answer (user code: anything at all) checked and copied into plain data, never a throw. */
import { describe, expect, it } from "vitest";
import { checkDecision } from "../../src/policies/decision.js";

function refused(value: unknown): string {
  const checked = checkDecision(value);
  if (checked.ok) throw new Error(`accepted ${JSON.stringify(checked.decision)}`);
  return checked.message;
}

function accepted(value: unknown) {
  const checked = checkDecision(value);
  if (!checked.ok) throw new Error(`refused: ${checked.message}`);
  return checked.decision;
}

describe("checkDecision: what it accepts", () => {
  it("nothing (undefined or null) is no decision", () => {
    expect(accepted(undefined)).toEqual({});
    expect(accepted(null)).toEqual({});
  });

  it("every field, copied; unknown keys dropped", () => {
    const decision = accepted({
      agent: "b",
      model: "sim/b",
      messagePrepend: "Think.",
      messageAppend: [{ role: "user", content: [{ type: "text", text: "now" }] }],
      maxSteps: 4,
      stop: "done",
      modelSettings: { temperature: 0, extra: { seed: 1 } },
      tools: ["calc"],
      mcpServers: ["web"],
      somethingElse: 1,
    });
    expect(decision).toEqual({
      agent: "b",
      model: "sim/b",
      messagePrepend: "Think.",
      messageAppend: [{ role: "user", content: [{ type: "text", text: "now" }] }],
      maxSteps: 4,
      stop: "done",
      modelSettings: { temperature: 0, extra: { seed: 1 } },
      tools: ["calc"],
      mcpServers: ["web"],
    });
  });

  it("stop: false is no stop", () => {
    expect(accepted({ stop: false })).toEqual({});
  });

  it("a null-prototype object is a decision like any other", () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.agent = "b";
    expect(accepted(value)).toEqual({ agent: "b" });
  });

  it("the copy does not change when the user's object does", () => {
    const messages = [{ role: "user", content: "x" }];
    const tools = ["calc"];
    const source = { messageAppend: messages, tools, modelSettings: { stop: ["END"] } };
    const decision = accepted(source);
    messages[0]!.content = "changed";
    tools.push("more");
    source.modelSettings.stop.push("MORE");
    expect(decision).toEqual({ messageAppend: [{ role: "user", content: "x" }], tools: ["calc"], modelSettings: { stop: ["END"] } });
  });

  it("a getter is read once: the decision holds the value it gave then", () => {
    let reads = 0;
    const decision = accepted({
      get agent() {
        reads++;
        return reads === 1 ? "b" : 5;
      },
    });
    expect(decision).toEqual({ agent: "b" });
    expect(reads).toBe(1);
  });
});

describe("checkDecision: bad shapes are refused with a message naming the field", () => {
  it.each<[string, unknown, string]>([
    ["a number", 5, "A policy must return an object or nothing; it returned 5."],
    ["a string", "b", 'A policy must return an object or nothing; it returned "b".'],
    ["an array", [], "A policy must return an object or nothing; it returned an array of 0."],
    ["a function", () => ({}), "A policy must return an object or nothing; it returned a function."],
    ["a Symbol", Symbol("s"), "A policy must return an object or nothing; it returned a Symbol."],
    ["a BigInt", 10n, "A policy must return an object or nothing; it returned 10n (a BigInt)."],
    ["agent: 5", { agent: 5 }, "agent must be an agent's name; got 5."],
    ["model: {}", { model: {} }, "model must be a model id; got an object."],
    ["messagePrepend: 5", { messagePrepend: 5 }, "messagePrepend must be a string or a list of messages; got 5."],
    [
      "messageAppend: [{ role: 'bot' }]",
      { messageAppend: [{ role: "bot", content: "x" }] },
      'messageAppend[0] is not a message { role: "system" | "user" | "assistant" | "tool", content }; got an object.',
    ],
    [
      "messageAppend: [null]",
      { messageAppend: [null] },
      'messageAppend[0] is not a message { role: "system" | "user" | "assistant" | "tool", content }; got null.',
    ],
    ["maxSteps: 0", { maxSteps: 0 }, "Policy returned maxSteps 0; it must be a whole number ≥ 1."],
    ["maxSteps: 2.5", { maxSteps: 2.5 }, "Policy returned maxSteps 2.5; it must be a whole number ≥ 1."],
    ["maxSteps: '3'", { maxSteps: "3" }, 'Policy returned maxSteps "3"; it must be a whole number ≥ 1.'],
    ["maxSteps: NaN", { maxSteps: Number.NaN }, "Policy returned maxSteps NaN; it must be a whole number ≥ 1."],
    ["stop: 1", { stop: 1 }, "stop must be true or a reason; got 1."],
    ["tools: 5", { tools: 5 }, "tools must be a list of names; got 5."],
    ["tools: ['a', 1]", { tools: ["a", 1] }, "tools must be a list of names; got an array of 2."],
    ["mcpServers: 'web'", { mcpServers: "web" }, 'mcpServers must be a list of names; got "web".'],
  ])("%s", (_, value, message) => {
    expect(refused(value)).toBe(message);
  });

  it("bad modelSettings: the settings check's message", () => {
    expect(refused({ modelSettings: { temperature: "hot" } })).toContain(
      "settings.temperature of the policy's modelSettings must be a number",
    );
    expect(refused({ modelSettings: { seed: 1 } })).toContain('unknown key "seed"');
  });
});

describe("checkDecision: hostile values never throw", () => {
  it("a getter that throws: refused with the getter's message", () => {
    const value = {
      get tools(): string[] {
        throw new Error("no tools for you");
      },
    };
    expect(refused(value)).toBe("Reading the policy's decision threw: no tools for you");
  });

  it("a Proxy whose every trap throws", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(() => checkDecision(hostile)).not.toThrow();
    expect(refused(hostile)).toContain("trap");
  });

  it("a cycle inside a message list: refused as not plain data", () => {
    const message: Record<string, unknown> = { role: "user", content: "x" };
    message.self = message;
    expect(refused({ messageAppend: [message] })).toMatch(/^messageAppend must be plain data: .*circular/i);
  });

  it("a cycle in modelSettings.extra: refused", () => {
    const extra: Record<string, unknown> = {};
    extra.loop = extra;
    expect(refused({ modelSettings: { extra } })).toContain("must be plain JSON data");
  });

  it("a BigInt inside a message: refused as not plain data", () => {
    expect(refused({ messagePrepend: [{ role: "user", content: "x", n: 1n }] })).toContain("messagePrepend must be plain data");
  });

  it("a cyclic decision object itself is fine when the cycle is in a field baton does not read", () => {
    const value: Record<string, unknown> = { agent: "b" };
    value.me = value;
    expect(accepted(value)).toEqual({ agent: "b" });
  });
});

describe("checkDecision: message lists are checked like any transcript", () => {
  // BUG (src/policies/decision.ts, `messages()`): a decision's message list is checked more
  // loosely than every other transcript user code gives (src/transcript/check.ts
  // `checkMessages`, used for `messages` and handoff filters): list content is accepted for
  // system and assistant messages, and a tool message needs no toolCallId. Such a message
  // passes the check and then breaks in a provider adapter (anthropicWire calls string methods
  // on a system message's content) or is refused by the API, instead of a POLICY_ERROR naming
  // the field. Fix: use checkMessages(value, key) there.
  it("a system message with a list of parts is refused, naming the field", () => {
    expect(refused({ messagePrepend: [{ role: "system", content: [{ type: "text", text: "x" }] }] })).toContain("messagePrepend[0]");
  });

  it("a tool message without a toolCallId is refused", () => {
    expect(refused({ messageAppend: [{ role: "tool", name: "t", content: "x" }] })).toContain("toolCallId");
  });
});
