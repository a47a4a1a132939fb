import type { SimScript } from "../providers/simScript.js";
import { nextToolTurn } from "./simTools.js";

/**
 * The sim stand-ins for a CLI run without keys: each model calls its first tool once (if it
 * has one), then each but the last passes the task on with a handoff, the last answers; every line
 * says it is simulated.
 */
export function simTeam(models: readonly string[], input: string): { models: string[]; scripts: Record<string, SimScript> } {
  const names = models.map((m) => (m.startsWith("sim/") ? m.slice(4) : m.replace(/[^a-zA-Z0-9_.-]/g, "-")));
  const scripts: Record<string, SimScript> = {};
  names.forEach((name, i) => {
    const next = names[i + 1];
    const label = `(sim ${models[i]})`;
    scripts[name] = (request) =>
      nextToolTurn(request, label) ??
      (next
        ? {
            text: `${label} I looked at the task and pass it on.`,
            handoff: { to: `sim/${next}`, reason: "simulated handoff", task: input },
            latencyMs: 120,
          }
        : { text: `${label} A simulated answer to: ${input}`, latencyMs: 120 });
  });
  return { models: names.map((n) => `sim/${n}`), scripts };
}
