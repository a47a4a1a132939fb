import { type AnyActorRef, fromCallback } from "xstate";
import type { ToolResultEvent } from "../src/protocol.js";
import { type Tool, toolOutputText } from "../src/tools/defineTool.js";

/** tools service → executor: run one validated call. */
export interface ToolRunEvent {
  type: "TOOL.RUN";
  tool: Tool;
  args: Record<string, unknown>;
  callId: string;
  replyTo: AnyActorRef;
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
export const toolExecutor = fromCallback<ToolRunEvent | ToolAbortEvent>(({ receive }) => {
  const inFlight = new Map<string, { controller: AbortController; timer: NodeJS.Timeout | undefined }>();
  let stopped = false;

  const run = async (call: ToolRunEvent) => {
    const started = performance.now();
    const entry = { controller: new AbortController(), timer: undefined as NodeJS.Timeout | undefined };
    inFlight.set(call.callId, entry);
    let content: string;
    let isError = false;
    try {
      const running = Promise.resolve(
        call.tool.execute(call.args, { signal: entry.controller.signal, model: call.model, runId: call.runId, callId: call.callId }),
      );
      const timeout =
        call.timeoutMs === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              entry.timer = setTimeout(() => {
                entry.controller.abort();
                reject(new Error(`timed out after ${call.timeoutMs} ms`));
              }, call.timeoutMs);
            });
      content = toolOutputText(await (timeout ? Promise.race([running, timeout]) : running));
    } catch (error) {
      content = `Error: ${error instanceof Error ? error.message : String(error)}`;
      isError = true;
    } finally {
      if (entry.timer) clearTimeout(entry.timer);
    }
    // Aborted (cancelled) or replaced by a later call of the same id: nobody waits for this answer.
    if (stopped || inFlight.get(call.callId) !== entry) return;
    inFlight.delete(call.callId);
    const result: ToolResultEvent = { type: "TOOL.RESULT", callId: call.callId, content, isError, ms: performance.now() - started };
    call.replyTo.send(result);
  };

  const abort = (callId: string) => {
    const entry = inFlight.get(callId);
    if (!entry) return;
    inFlight.delete(callId);
    if (entry.timer) clearTimeout(entry.timer);
    entry.controller.abort();
  };

  receive((event) => {
    if (event.type === "TOOL.ABORT") abort(event.callId);
    else void run(event);
  });
  return () => {
    stopped = true;
    for (const callId of [...inFlight.keys()]) abort(callId);
  };
});
