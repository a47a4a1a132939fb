import { enqueueActions, setup, stopChild } from "xstate";
import { type ToolFinishedEvent, toolCall } from "../actors/toolCall.js";
import type { ToolCallEvent, ToolCancelEvent, ToolResultEvent } from "../src/protocol.js";
import type { Tool } from "../src/tools/defineTool.js";
import { validateToolArgs } from "../src/tools/validateArgs.js";

export interface ToolServiceInput {
  tools: readonly Tool[];
  /** Default per-call timeout for local tools, if any. */
  timeoutMs?: number;
}

/**
 * The local tools of one team (`tools:<team>`): validates arguments with the tool's zod
 * schema, runs `execute` in a child actor per call (many in flight), answers like an MCP service.
 */
export const toolServiceMachine = setup({
  types: {
    input: {} as ToolServiceInput,
    context: {} as { tools: Record<string, Tool>; timeoutMs: number | undefined },
    events: {} as ToolCallEvent | ToolCancelEvent | ToolFinishedEvent,
  },
  actors: { toolCall },
}).createMachine({
  id: "toolService",
  context: ({ input }) => ({ tools: Object.fromEntries(input.tools.map((t) => [t.name, t])), timeoutMs: input.timeoutMs }),
  on: {
    "TOOL.CALL": {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const fail = (content: string) => {
          const result: ToolResultEvent = { type: "TOOL.RESULT", callId: event.callId, content, isError: true, ms: 0 };
          enqueue.sendTo(event.replyTo, result);
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
        enqueue.spawnChild("toolCall", {
          id: event.callId,
          input: {
            tool,
            args: check.args,
            callId: event.callId,
            replyTo: event.replyTo,
            model: event.model,
            runId: event.runId,
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          },
        });
      }),
    },
    "TOOL.CANCEL": { actions: stopChild(({ event }) => event.callId) },
    // A finished call's actor would otherwise stay among the children for the team's life.
    "TOOL.FINISHED": { actions: stopChild(({ event }) => event.callId) },
  },
});
