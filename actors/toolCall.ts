import { type AnyActorRef, fromPromise } from "xstate";
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

/**
 * Runs a local tool's `execute` and answers the caller with TOOL.RESULT. A thrown error
 * becomes an error result the model reads; a cancelled call answers nothing (nobody waits).
 */
export const toolCall = fromPromise<void, ToolCallInput>(async ({ input, signal }) => {
  const started = performance.now();
  const controller = new AbortController();
  const abort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const reply = (content: string, isError: boolean) => {
    if (signal.aborted) return;
    const event: ToolResultEvent = { type: "TOOL.RESULT", callId: input.callId, content, isError, ms: performance.now() - started };
    input.replyTo.send(event);
  };
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
    if (timer) clearTimeout(timer);
    signal.removeEventListener("abort", abort);
  }
});
