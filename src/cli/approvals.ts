/**
 * Tool calls that wait for a person (issue 16, the CLI side): asked on a terminal (y/N, showing
 * the tool and its arguments), all approved with --yes, else left waiting with the command that
 * continues the run printed.
 */
import type { RunResult } from "../result.js";
import type { Interruption } from "../store/records.js";
import type { CliIO } from "./io.js";

export interface Decisions {
  approve: string[];
  reject: Array<{ id: string; message: string }>;
}

function describe(call: Interruption): string {
  const args = JSON.stringify(call.args);
  return `${call.agent} wants to call ${call.tool} ${args.length > 300 ? `${args.slice(0, 299)}…` : args}`;
}

/** The decisions on a run's waiting calls, or undefined when nobody can decide here (off a terminal, no --yes). */
export async function decide(
  calls: readonly Interruption[],
  yes: boolean,
  io: CliIO,
  line: (text: string) => void,
): Promise<Decisions | undefined> {
  if (yes) {
    for (const call of calls) line(`✓ approved (--yes): ${describe(call)}`);
    return { approve: calls.map((c) => c.id), reject: [] };
  }
  if (!io.ask) return undefined;
  const decisions: Decisions = { approve: [], reject: [] };
  for (const call of calls) {
    const answer = (await io.ask(`? ${describe(call)}. Approve? [y/N] `)).trim().toLowerCase();
    if (answer === "y" || answer === "yes") decisions.approve.push(call.id);
    else decisions.reject.push({ id: call.id, message: "The user declined this call." });
  }
  return decisions;
}

/** What to type to continue an interrupted run elsewhere. */
export function resumeHint(result: RunResult<unknown>, store: string, defaultStore: boolean): string {
  const calls = result.interruptions ?? [];
  const storeFlag = defaultStore ? "" : ` --store ${JSON.stringify(store)}`;
  return [
    `Run ${result.runId} is waiting for approval of ${calls.length === 1 ? "a tool call" : `${calls.length} tool calls`}:`,
    ...calls.map((c) => `  ${c.id}: ${describe(c)}`),
    "Continue it with:",
    `  baton resume ${result.runId}${calls.map((c) => ` --approve ${c.id}`).join("")}${storeFlag}`,
    `(or --reject <id>[:<why>] to refuse a call; the model reads why)`,
  ].join("\n");
}
