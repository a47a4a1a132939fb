import { type AnyActorRef, enqueueActions, sendTo, setup } from "xstate";
import type { ToolAbortEvent, ToolRunEvent } from "../../actors/tools/executor.js";
import type { Tool } from "../../src/tools/defineTool.js";
import { validateToolArgs } from "../../src/tools/validateArgs.js";
import { actorAt } from "../deliver.js";
import type { ToolCallEvent, ToolCancelEvent, ToolResultEvent } from "./protocol.js";

export interface ToolServiceInput {
  tools: readonly Tool[];
  /** systemId of the Runner's tool executor, which runs `execute`. */
  executor: string;
  /** Default per-call timeout for local tools, if any. */
  timeoutMs?: number;
}

/**
 * The local tools of one team (`tools:<team>`): validates arguments with the tool's zod
 * schema and hands the call to the Runner's tool executor (many in flight), which answers the
 * caller like an MCP service.
 */
export const toolServiceMachine = setup({
  types: {
    input: {} as ToolServiceInput,
    context: {} as { tools: Record<string, Tool>; executor: string; timeoutMs: number | undefined },
    events: {} as ToolCallEvent | ToolCancelEvent,
  },
}).createMachine({
  id: "toolService",
  context: ({ input }) => ({
    tools: Object.fromEntries(input.tools.map((t) => [t.name, t])),
    executor: input.executor,
    timeoutMs: input.timeoutMs,
  }),
  on: {
    "TOOL.CALL": {
      actions: enqueueActions(({ context, event, enqueue, system }) => {
        const fail = (content: string) => {
          const result: ToolResultEvent = { type: "TOOL.RESULT", callId: event.callId, content, isError: true, ms: 0, at: 0 };
          const caller = actorAt(system, event.replyTo);
          if (caller) enqueue.sendTo(caller, result);
        };
        const tool = context.tools[event.name];
        if (!tool) {
          fail(`Error: unknown tool "${event.name}". Available tools: ${Object.keys(context.tools).join(", ") || "none"}.`);
          return;
        }
        const check = validateToolArgs(tool, event.args);
        if (!check.ok) {
          fail(check.message);
          return;
        }
        const timeoutMs = event.timeoutMs ?? context.timeoutMs;
        const run: ToolRunEvent = {
          type: "TOOL.RUN",
          tool,
          args: check.args,
          callId: event.callId,
          replyTo: event.replyTo,
          model: event.model,
          runId: event.runId,
        };
        if (timeoutMs !== undefined) run.timeoutMs = timeoutMs;
        enqueue.sendTo(system.get(context.executor) as AnyActorRef, run);
      }),
    },
    "TOOL.CANCEL": {
      actions: sendTo(
        ({ context, system }) => system.get(context.executor) as AnyActorRef,
        ({ event }): ToolAbortEvent => ({ type: "TOOL.ABORT", callId: event.callId }),
      ),
    },
  },
});
