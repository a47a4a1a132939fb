/** A run's accounting (src/team/runState.ts): steps, usage and cost, warnings, and the result built from them. */
import { describe, expect, it } from "vitest";
import type { RunWarning, StepRecord } from "../../src/result.js";
import { addUsage, buildResult, newRunState, newWarnings, recordFailure, recordHandoff, recordStep } from "../../src/team/runState.js";

const step = (n: number, agent: string, model: string, over: Partial<StepRecord> = {}): StepRecord => ({
  step: n,
  agent,
  model,
  text: `${agent} ${n}`,
  toolCalls: [],
  usage: { inputTokens: 1000, outputTokens: 100 },
  stopReason: "stop",
  ms: 5,
  ...over,
});

const fresh = () => newRunState("run-1", "go", 10, 3, 1000);

describe("recordStep", () => {
  it("counts the step: record, tool results, who took part, usage by model and by agent", () => {
    const call = { id: "1", name: "calc", args: {}, result: "2", isError: false, ms: 1 };
    let run = recordStep(fresh(), step(1, "research", "sim/x", { toolCalls: [call] }));
    run = recordStep(run, step(2, "write", "sim/y"));
    run = recordStep(run, step(3, "research", "sim/x", { usage: { inputTokens: 1, outputTokens: 2 } }));
    expect(run.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(run.toolResults).toEqual([call]);
    expect(run.agentsUsed).toEqual(["research", "write"]);
    expect(run.modelsUsed).toEqual(["sim/x", "sim/y"]);
    expect(run.usage).toEqual({
      inputTokens: 2001,
      outputTokens: 202,
      byModel: {
        "sim/x": { inputTokens: 1001, outputTokens: 102, calls: 2 },
        "sim/y": { inputTokens: 1000, outputTokens: 100, calls: 1 },
      },
      byAgent: {
        research: { inputTokens: 1001, outputTokens: 102, calls: 2 },
        write: { inputTokens: 1000, outputTokens: 100, calls: 1 },
      },
    });
    expect(run.granted).toBe(0); // granting is counted apart (when a step starts)
  });

  it("keeps records in the order their steps started, even when a delegate's step ends first", () => {
    let run = recordStep(fresh(), step(1, "a", "sim/a"));
    run = recordStep(run, step(3, "b", "sim/b"));
    run = recordStep(run, step(2, "a", "sim/a"));
    run = recordStep(run, step(4, "a", "sim/a"));
    expect(run.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
  });

  it("a good step resets its agent's failure count; a failed one does not", () => {
    let run = recordFailure(recordFailure(recordFailure(fresh(), "a"), "a"), "b");
    expect(run.failures).toEqual({ a: 2, b: 1 });
    run = recordStep(run, step(1, "a", "sim/a", { stopReason: "error", error: { code: "PROVIDER_ERROR", message: "x" } }));
    expect(run.failures).toEqual({ a: 2, b: 1 });
    run = recordStep(run, step(2, "a", "sim/a"));
    expect(run.failures).toEqual({ a: 0, b: 1 });
  });

  it("does not change the state it is given", () => {
    const before = fresh();
    const copy = structuredClone(before);
    recordStep(before, step(1, "a", "sim/a"));
    recordHandoff(before, { from: "a", to: "b", reason: "", step: 1, by: "model" });
    expect(before).toEqual(copy);
  });
});

describe("addUsage: cost", () => {
  const zero = { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} };

  it("models with a price: cost per model, per agent and in total", () => {
    let usage = addUsage(zero, "a", "openai/gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 1_000_000 });
    usage = addUsage(usage, "b", "openai/gpt-4o", { inputTokens: 1_000_000, outputTokens: 0 });
    expect(usage.byModel["openai/gpt-4o-mini"]!.costUSD).toBeCloseTo(0.75);
    expect(usage.byAgent.b!.costUSD).toBeCloseTo(2.5);
    expect(usage.costUSD).toBeCloseTo(3.25);
  });

  it("a model without a price: no total cost (a partial sum would mislead)", () => {
    let usage = addUsage(zero, "a", "openai/gpt-4o-mini", { inputTokens: 10, outputTokens: 10 });
    usage = addUsage(usage, "b", "sim/x", { inputTokens: 10, outputTokens: 10 });
    expect(usage.byModel["openai/gpt-4o-mini"]!.costUSD).toBeDefined();
    expect(usage.byModel["sim/x"]!.costUSD).toBeUndefined();
    expect(usage.costUSD).toBeUndefined();
  });

  it("no steps: no cost", () => {
    expect(addUsage(zero, "a", "sim/x", { inputTokens: 0, outputTokens: 0 }).costUSD).toBeUndefined();
  });
});

describe("newWarnings", () => {
  const dropped = (setting: string, agent = "a"): RunWarning => ({
    code: "SETTING_DROPPED",
    agent,
    model: "sim/a",
    setting,
    message: `${setting} dropped`,
  });

  it("each warning once per run: repeats within the list and ones already reported are left out", () => {
    const run = { ...fresh(), warnings: [dropped("topP")] };
    expect(newWarnings(run, [dropped("topP"), dropped("stop"), dropped("stop"), dropped("stop", "b")])).toEqual([
      dropped("stop"),
      dropped("stop", "b"),
    ]);
    expect(newWarnings(run, undefined)).toEqual([]);
  });

  it("warnings without a setting are told apart by their message", () => {
    const replaced = (message: string): RunWarning => ({ code: "CONTENT_REPLACED", agent: "a", model: "sim/a", message });
    expect(newWarnings(fresh(), [replaced("image"), replaced("pdf"), replaced("image")])).toHaveLength(2);
  });
});

describe("buildResult", () => {
  it("everything a caller reads, from the run and the transcript", () => {
    let run = recordStep(fresh(), step(1, "a", "sim/a"));
    run = recordHandoff(run, { from: "a", to: "b", reason: "r", step: 1, by: "model" });
    const messages = [
      { role: "user" as const, content: "go" },
      { role: "assistant" as const, content: "last words" },
    ];
    const result = buildResult(run, messages, "max_steps", { agent: "b", model: "sim/b" }, 1250, "maxSteps (1) reached");
    expect(result).toEqual({
      runId: "run-1",
      status: "max_steps",
      reason: "maxSteps (1) reached",
      finalOutput: "last words",
      outputText: "last words",
      lastAgent: "b",
      lastModel: "sim/b",
      agentsUsed: ["a"],
      modelsUsed: ["sim/a"],
      stepsUsed: 1,
      steps: run.steps,
      handoffs: [{ from: "a", to: "b", reason: "r", step: 1, by: "model" }],
      toolResults: [],
      usage: run.usage,
      messages,
      warnings: [],
      durationMs: 250,
    });
    expect(result.messages).not.toBe(messages);
  });

  it("typed output: finalOutput is the parsed value, outputText the raw text", () => {
    const run = { ...fresh(), outputText: '{"n":1}', output: { value: { n: 1 } } };
    const result = buildResult(run, [], "completed", { agent: "a", model: "sim/a" }, 1000);
    expect(result.finalOutput).toEqual({ n: 1 });
    expect(result.outputText).toBe('{"n":1}');
    expect("reason" in result).toBe(false);
  });

  it("a clock that went back never makes a negative duration", () => {
    expect(buildResult(fresh(), [], "stopped", { agent: "a", model: "sim/a" }, 0).durationMs).toBe(0);
  });
});
