/**
 * A policy's decision as plain, checked data. A policy is user code: its answer may be anything
 * (a number where a list goes, a getter that throws, a cycle). Checked once here, every field
 * copied, so nothing the supervisor holds can throw or change later.
 */
import { checkSettings } from "../models/modelRef.js";
import { describeValue, isPlainObject } from "../options/describe.js";
import type { Message } from "../transcript/index.js";
import type { PolicyDecision } from "./types.js";

export type CheckedDecision = { ok: true; decision: PolicyDecision } | { ok: false; message: string };

const ROLES = new Set(["system", "user", "assistant", "tool"]);

function messages(name: string, value: unknown): Message[] | string {
  if (!Array.isArray(value)) return `${name} must be a string or a list of messages; got ${describeValue(value)}.`;
  for (const [i, m] of value.entries()) {
    if (!isPlainObject(m) || !ROLES.has(m.role as string) || (typeof m.content !== "string" && !Array.isArray(m.content))) {
      return `${name}[${i}] must be a message { role, content }; got ${describeValue(m)}.`;
    }
  }
  try {
    return JSON.parse(JSON.stringify(value)) as Message[];
  } catch (error) {
    return `${name} must be plain data: ${error instanceof Error ? error.message : String(error)}.`;
  }
}

function names(name: string, value: unknown): string[] | string {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    return `${name} must be a list of names; got ${describeValue(value)}.`;
  }
  return [...(value as string[])];
}

/** Checks and copies a decision; `undefined`/`null` mean "no decision". */
export function checkDecision(value: unknown): CheckedDecision {
  if (value === undefined || value === null) return { ok: true, decision: {} };
  if (typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: `A policy must return an object or nothing; it returned ${describeValue(value)}.` };
  }
  try {
    const source = value as Record<string, unknown>;
    const decision: PolicyDecision = {};
    const agent = source.agent;
    if (agent !== undefined) {
      if (typeof agent !== "string") return { ok: false, message: `agent must be an agent's name; got ${describeValue(agent)}.` };
      decision.agent = agent;
    }
    const model = source.model;
    if (model !== undefined) {
      if (typeof model !== "string") return { ok: false, message: `model must be a model id; got ${describeValue(model)}.` };
      decision.model = model;
    }
    for (const key of ["messagePrepend", "messageAppend"] as const) {
      const v = source[key];
      if (v === undefined) continue;
      if (typeof v === "string") decision[key] = v;
      else {
        const list = messages(key, v);
        if (typeof list === "string") return { ok: false, message: list };
        decision[key] = list;
      }
    }
    const maxSteps = source.maxSteps;
    if (maxSteps !== undefined) {
      if (typeof maxSteps !== "number" || !Number.isInteger(maxSteps) || maxSteps < 1) {
        return { ok: false, message: `Policy returned maxSteps ${describeValue(maxSteps)}; it must be a whole number ≥ 1.` };
      }
      decision.maxSteps = maxSteps;
    }
    const stop = source.stop;
    if (stop !== undefined && stop !== false) {
      if (stop !== true && typeof stop !== "string")
        return { ok: false, message: `stop must be true or a reason; got ${describeValue(stop)}.` };
      decision.stop = stop;
    }
    const settings = source.modelSettings;
    if (settings !== undefined) decision.modelSettings = checkSettings(settings, "the policy's modelSettings");
    for (const key of ["tools", "mcpServers"] as const) {
      const v = source[key];
      if (v === undefined) continue;
      const list = names(key, v);
      if (typeof list === "string") return { ok: false, message: list };
      decision[key] = list;
    }
    return { ok: true, decision };
  } catch (error) {
    return { ok: false, message: `Reading the policy's decision threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}
