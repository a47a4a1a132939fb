import { fromCallback } from "xstate";
import { actorAt } from "../../machines/deliver.js";
import type { ToolResultEvent } from "../../src/protocol.js";
import { type Tool, toolOutputText } from "../../src/tools/defineTool.js";
import { CallsInFlight } from "../shared/callsInFlight.js";

/** tools service → executor: run one validated call. */
export interface ToolRunEvent {
  type: "TOOL.RUN";
  tool: Tool;
  args: Record<string, unknown>;
  callId: string;
  /** systemId of the agent that waits. */
  replyTo: string;
  model: string;
  runId: string;
  timeoutMs?: number;
}

/** tools service → executor: abort a call in flight; it answers nothing (nobody waits). */
export type ToolAbortEvent = { type: "TOOL.ABORT"; callId: string };

/**
 * Runs local tools' `execute` for every team's tools service (`tool-executor`, one per Runner),
 * many calls in flight, and answers each caller with TOOL.RESULT. A thrown error or a timeout
 * becomes an error result the model reads. One long-lived actor rather than one per call: an
 * actor per call cost more to create and stop than a short tool takes to run.
 *
 * A callback actor, not promise actors: a promise actor reports `xstate.done.actor.<id>`, and
 * XState memoizes transitions per event type on the (shared) machine definition, so one unique
 * type per call grew the heap for the life of the process.
 */
export const toolExecutor = fromCallback<ToolRunEvent | ToolAbortEvent>(({ receive, system }) => {
  const calls = new CallsInFlight();

  const run = async (call: ToolRunEvent) => {
    const started = performance.now();
    const controller = calls.start(call.callId);
    let timer: NodeJS.Timeout | undefined;
    let content: string;
    let isError = false;
    try {
      const running = Promise.resolve(
        call.tool.execute(call.args, { signal: controller.signal, model: call.model, runId: call.runId, callId: call.callId }),
      );
      const timeout =
        call.timeoutMs === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                controller.abort();
                reject(new Error(`timed out after ${call.timeoutMs} ms`));
              }, call.timeoutMs);
              // An aborted call needs no timeout: its answer is dropped anyway.
              controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
            });
      content = toolOutputText(await (timeout ? Promise.race([running, timeout]) : running));
    } catch (error) {
      content = `Error: ${error instanceof Error ? error.message : String(error)}`;
      isError = true;
    } finally {
      clearTimeout(timer);
    }
    if (!calls.settle(call.callId, controller)) return; // aborted: nobody waits for this answer
    const result: ToolResultEvent = {
      type: "TOOL.RESULT",
      callId: call.callId,
      content,
      isError,
      ms: performance.now() - started,
      at: Date.now(),
    };
    actorAt(system, call.replyTo)?.send(result);
  };

  receive((event) => {
    if (event.type === "TOOL.ABORT") calls.abort(event.callId);
    else void run(event);
  });
  return () => calls.close();
});
