/** What a team has used over all its runs (for `team.snapshot()`), added up run by run. */
import type { ModelUsage, RunResult } from "../../src/result.js";
import type { TeamSnapshot } from "../../src/team/snapshot.js";

export interface Totals {
  runs: number;
  stepsUsed: number;
  handoffs: number;
  usage: TeamSnapshot["usage"];
}

export function newTotals(restored?: TeamSnapshot): Totals {
  return restored
    ? { runs: restored.runs, stepsUsed: restored.stepsUsed, handoffs: restored.handoffs, usage: structuredClone(restored.usage) }
    : { runs: 0, stepsUsed: 0, handoffs: 0, usage: { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} } };
}

function addUsage(into: Record<string, ModelUsage>, from: Record<string, ModelUsage>): void {
  for (const [key, usage] of Object.entries(from)) {
    const prev = into[key] ?? { inputTokens: 0, outputTokens: 0, calls: 0 };
    into[key] = {
      inputTokens: prev.inputTokens + usage.inputTokens,
      outputTokens: prev.outputTokens + usage.outputTokens,
      calls: prev.calls + usage.calls,
      ...(prev.costUSD !== undefined || usage.costUSD !== undefined ? { costUSD: (prev.costUSD ?? 0) + (usage.costUSD ?? 0) } : {}),
    };
  }
}

/** Adds one run's result (or a failed run's partial) to the totals. */
export function account(totals: Totals, result: RunResult<unknown>): void {
  totals.runs += 1;
  totals.stepsUsed += result.stepsUsed;
  totals.handoffs += result.handoffs.length;
  totals.usage.inputTokens += result.usage.inputTokens;
  totals.usage.outputTokens += result.usage.outputTokens;
  addUsage(totals.usage.byModel, result.usage.byModel);
  addUsage(totals.usage.byAgent, result.usage.byAgent);
}
