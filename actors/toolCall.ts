import { type AnyActorRef, fromCallback } from "xstate";
import type { ToolResultEvent } from "../src/protocol.js";
import { type Tool, toolOutputText } from "../src/tools/defineTool.js";

export interface ToolCallInput {
  tool: Tool;
  args: Record<string, unknown>;
  callId: string;
  replyTo: AnyActorRef;
  model: string;
  runId: string;
  timeoutMs?: number;
}

/** Tells the tools service a call has answered, so it stops the call's actor. */
export type ToolFinishedEvent = { type: "TOOL.FINISHED"; callId: string };

/**
 * Runs a local tool's `execute` and answers the caller with TOOL.RESULT. A thrown error
 * becomes an error result the model reads; a cancelled call (the actor stopped) answers
 * nothing (nobody waits) and its `signal` aborts.
 *
 * A callback actor, not a promise actor: a promise actor reports `xstate.done.actor.<id>`,
 * and XState memoizes transitions per event type on the (shared) machine definition, so
 * one unique type per call grew the heap for the life of the process.
 */
export const toolCall = fromCallback<ToolFinishedEvent, ToolCallInput>(({ input, sendBack }) => {
  const started = performance.now();
  const controller = new AbortController();
  let stopped = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const reply = (content: string, isError: boolean) => {
    if (stopped) return;
    const event: ToolResultEvent = { type: "TOOL.RESULT", callId: input.callId, content, isError, ms: performance.now() - started };
    input.replyTo.send(event);
  };
  const call = async () => {
    try {
      const run = Promise.resolve(
        input.tool.execute(input.args, { signal: controller.signal, model: input.model, runId: input.runId, callId: input.callId }),
      );
      const timeout =
        input.timeoutMs === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                controller.abort();
                reject(new Error(`timed out after ${input.timeoutMs} ms`));
              }, input.timeoutMs);
            });
      const value = await (timeout ? Promise.race([run, timeout]) : run);
      reply(toolOutputText(value), false);
    } catch (error) {
      reply(`Error: ${error instanceof Error ? error.message : String(error)}`, true);
    } finally {
      finished = true;
      if (timer) clearTimeout(timer);
      if (!stopped) sendBack({ type: "TOOL.FINISHED", callId: input.callId });
    }
  };
  void call();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (!finished) controller.abort();
  };
});
