/** What a resume needs to check first (pure): the decisions it brings, and the definition it continues with. */
import { BatonError } from "../errors.js";
import type { CheckedTeam } from "../options/checkTeam.js";
import { describeValue, isPlainObject } from "../options/describe.js";
import type { RunCheckpoint } from "./fold.js";

export interface CheckedDecisions {
  approve: string[];
  reject: Array<{ id: string; message: string }>;
  signal?: AbortSignal;
}

/** Decisions name calls the run waits for, each once; anything else is a clear error. */
export function checkDecisions(options: unknown, state: RunCheckpoint): CheckedDecisions {
  if (!isPlainObject(options)) throw new BatonError("INVALID_OPTIONS", `resume options must be an object; got ${describeValue(options)}.`);
  const waiting = new Set(state.interruptions.map((i) => i.id));
  const seen = new Set<string>();
  const named = (id: unknown, where: string): string => {
    if (typeof id !== "string") throw new BatonError("INVALID_OPTIONS", `${where} must name a call by its id; got ${describeValue(id)}.`);
    if (!waiting.has(id)) {
      const ids = [...waiting];
      throw new BatonError(
        "INVALID_OPTIONS",
        `${where} names "${id}", which run ${state.runId} does not wait for. ${ids.length ? `It waits for: ${ids.join(", ")}.` : "It waits for no approval."}`,
      );
    }
    if (seen.has(id)) throw new BatonError("INVALID_OPTIONS", `The call "${id}" is decided twice.`);
    seen.add(id);
    return id;
  };
  const approveRaw = options.approve ?? [];
  const rejectRaw = options.reject ?? [];
  if (!Array.isArray(approveRaw))
    throw new BatonError("INVALID_OPTIONS", `approve must be a list of call ids; got ${describeValue(approveRaw)}.`);
  if (!Array.isArray(rejectRaw))
    throw new BatonError("INVALID_OPTIONS", `reject must be a list of { id, message }; got ${describeValue(rejectRaw)}.`);
  const approve = approveRaw.map((id, i) => named(id, `approve[${i}]`));
  const reject = rejectRaw.map((entry, i) => {
    if (!isPlainObject(entry))
      throw new BatonError("INVALID_OPTIONS", `reject[${i}] must be { id, message }; got ${describeValue(entry)}.`);
    const message = entry.message ?? "";
    if (typeof message !== "string") throw new BatonError("INVALID_OPTIONS", `reject[${i}].message must be a string.`);
    return { id: named(entry.id, `reject[${i}].id`), message };
  });
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new BatonError("INVALID_OPTIONS", `signal must be an AbortSignal; got ${describeValue(signal)}.`);
  }
  return signal ? { approve, reject, signal } : { approve, reject };
}

/** The definition a run resumes with has every agent and local tool the run was started with. */
export function checkResumable(team: CheckedTeam, state: RunCheckpoint): void {
  const missing: string[] = [];
  for (const agent of state.origin.agents) {
    const now = team.agents.find((a) => a.name === agent.name);
    if (!now) {
      missing.push(`agent "${agent.name}"`);
      continue;
    }
    const tools = new Set([...team.tools, ...now.tools].map((t) => t.name));
    for (const tool of agent.tools) if (!tools.has(tool)) missing.push(`tool "${tool}" of agent "${agent.name}"`);
  }
  if (missing.length) {
    throw new BatonError(
      "RESUME_MISMATCH",
      `Run ${state.runId} cannot resume with this definition: it lacks ${missing.join(", ")}. Resume with the team the run was started with.`,
      { details: { missing } },
    );
  }
}
