/** Built-in policies (DESIGN §6). Each is a PolicyFunction; combine them with `all`. */
import { BatonError } from "../errors.js";
import { describeValue, isPlainObject } from "../options/describe.js";
import type { Message } from "../transcript/index.js";
import type { Policy, PolicyContext, PolicyDecision, PolicyFunction } from "./types.js";

async function decide(policy: Policy, context: PolicyContext): Promise<PolicyDecision> {
  if (typeof policy !== "function") return policy;
  return (await policy(context)) ?? {};
}

function asMessages(value: string | Message[] | undefined, role: "system" | "user"): Message[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [{ role, content: value }] : value;
}

/**
 * Runs policies in order and merges what they decide: the first `stop` and the first `model`
 * win, prepends and appends add up, the smallest `maxSteps` holds, settings merge (later wins),
 * tool and server lists intersect.
 */
export function all(...list: Policy[]): PolicyFunction {
  return async (context) => {
    const merged: PolicyDecision = {};
    const systemPrepend: string[] = [];
    const prepend: Message[] = [];
    const append: Message[] = [];
    let prependIsText = true;
    let appendIsText = true;
    const appendText: string[] = [];
    for (const policy of list) {
      const d = await decide(policy, context);
      if (d.stop && merged.stop === undefined) merged.stop = d.stop;
      if (merged.model === undefined && merged.agent === undefined) {
        if (d.agent !== undefined) merged.agent = d.agent;
        else if (d.model !== undefined) merged.model = d.model;
      }
      if (d.maxSteps !== undefined) merged.maxSteps = Math.min(merged.maxSteps ?? Number.POSITIVE_INFINITY, d.maxSteps);
      if (d.modelSettings) merged.modelSettings = { ...merged.modelSettings, ...d.modelSettings };
      if (d.tools) merged.tools = merged.tools ? merged.tools.filter((t) => d.tools!.includes(t)) : [...d.tools];
      if (d.mcpServers)
        merged.mcpServers = merged.mcpServers ? merged.mcpServers.filter((s) => d.mcpServers!.includes(s)) : [...d.mcpServers];
      if (typeof d.messagePrepend === "string") systemPrepend.push(d.messagePrepend);
      else if (d.messagePrepend) {
        prependIsText = false;
        prepend.push(...d.messagePrepend);
      }
      if (typeof d.messageAppend === "string") appendText.push(d.messageAppend);
      else if (d.messageAppend) {
        appendIsText = false;
        append.push(...d.messageAppend);
      }
    }
    if (systemPrepend.length || prepend.length) {
      merged.messagePrepend = prependIsText
        ? systemPrepend.join("\n\n")
        : [...asMessages(systemPrepend.join("\n\n") || undefined, "system"), ...prepend];
    }
    if (appendText.length || append.length) {
      merged.messageAppend = appendIsText
        ? appendText.join("\n\n")
        : [...append, ...asMessages(appendText.join("\n\n") || undefined, "user")];
    }
    return merged;
  };
}

/**
 * An agent per step range: `byStep({ 1: "triage", 3: "writer" })` uses triage for steps 1–2 and
 * writer from step 3 on. In the model-list shorthand the names are model ids
 * (`byStep({ 1: "openai/gpt-4o-mini", 4: "anthropic/claude-sonnet-4-20250514" })`).
 */
export function byStep(plan: Record<number, string>): PolicyFunction {
  if (!isPlainObject(plan)) {
    throw new BatonError(
      "POLICY_ERROR",
      `byStep takes an object of first steps to agents, e.g. byStep({ 1: "triage", 3: "writer" }); got ${describeValue(plan)}.`,
    );
  }
  const starts = Object.keys(plan)
    .map(Number)
    .sort((a, b) => a - b);
  if (starts.some((s) => !Number.isInteger(s) || s < 1))
    throw new BatonError("POLICY_ERROR", "byStep keys are first steps of a range: whole numbers ≥ 1.");
  for (const start of starts) {
    if (typeof plan[start] !== "string") {
      throw new BatonError(
        "POLICY_ERROR",
        `byStep: step ${start} names ${describeValue(plan[start])}; give an agent's name (or a model id).`,
      );
    }
  }
  return ({ step }) => {
    let agent: string | undefined;
    for (const start of starts) if (step >= start) agent = plan[start];
    return agent === undefined ? {} : { agent };
  };
}

/** Stops the run once `n` handoffs have happened. */
export function maxHandoffs(n: number): PolicyFunction {
  return ({ handoffs }) => (handoffs.length >= n ? { stop: `maxHandoffs(${n}) reached` } : {});
}

/**
 * Stops the run before a call once its usage passes a budget: total tokens, or cost in USD
 * (priced from the catalog; models without a price count as free and are said so in the reason).
 */
export function budget(limits: { maxTokens?: number; maxCostUSD?: number }): PolicyFunction {
  return ({ usage }) => {
    const tokens = usage.inputTokens + usage.outputTokens;
    if (limits.maxTokens !== undefined && tokens >= limits.maxTokens)
      return { stop: `budget: ${tokens} tokens used of ${limits.maxTokens}` };
    if (limits.maxCostUSD !== undefined) {
      const cost = Object.values(usage.byModel).reduce((sum, m) => sum + (m.costUSD ?? 0), 0);
      if (cost >= limits.maxCostUSD) return { stop: `budget: $${cost.toFixed(4)} spent of $${limits.maxCostUSD}` };
    }
    return {};
  };
}

/**
 * When the active agent's calls keep failing (its retries are spent), moves the task to the
 * next agent in the list that has not failed in this run, instead of failing the run. `order`
 * lists agent names (model ids in the shorthand); the default is the team's order.
 */
export function fallback(options: { order?: string[] } = {}): PolicyFunction {
  return ({ lastError, agent, agents, failures }) => {
    if (!lastError || lastError.agent !== agent) return {};
    const order = options.order ?? agents.map((a) => a.name);
    const start = order.indexOf(agent);
    for (let i = 1; i <= order.length; i++) {
      const candidate = order[(start + i) % order.length]!;
      if (candidate !== agent && !(failures[candidate] ?? 0)) return { agent: candidate };
    }
    return {};
  };
}

export const FINISH_NOW = "You are out of steps: give your final answer now, without calling tools.";

/** From `step` on, asks the model for its final answer on every call. */
export function finishBy(step: number, message = FINISH_NOW): PolicyFunction {
  return (context) => (context.step >= step ? { messagePrepend: message } : {});
}
