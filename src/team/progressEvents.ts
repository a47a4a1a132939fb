import type { RunEvent } from "../events.js";
import type { AgentProgressEvent } from "../protocol.js";
import { extend } from "../util/extend.js";

/** The public event an agent's progress report becomes. */
export function progressEvent(e: AgentProgressEvent, tag: { runId: string; teamId: string }): RunEvent {
  const at = extend(tag, { model: e.model, step: e.step });
  switch (e.type) {
    case "AGENT.TOOL_CALLED":
      return { type: "tool.called", ...at, callId: e.callId, name: e.name, args: e.args };
    case "AGENT.TOOL_RESULT":
      return { type: "tool.result", ...at, callId: e.callId, name: e.name, content: e.content, isError: e.isError, ms: e.ms };
    case "AGENT.RETRY":
      return { type: "step.retry", ...at, attempt: e.attempt, delayMs: e.delayMs, error: e.error };
  }
}
