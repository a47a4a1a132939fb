import { fromCallback } from "xstate";
import { actorAt } from "../../machines/deliver.js";
import type { ToolCallEvent, ToolResultEvent, ToolServiceEvent } from "../../machines/tools/protocol.js";
import type { Tool } from "../../src/tools/defineTool.js";
import { toolOutputContent } from "../../src/tools/output.js";
import { toolErrorText } from "../../src/tools/outputText.js";
import { validateToolArgs } from "../../src/tools/validateArgs.js";
import type { Content } from "../../src/transcript/index.js";
import { CallsInFlight } from "../shared/callsInFlight.js";
import { type Clock, systemClock } from "../shared/clock.js";

export interface LocalToolsInput {
  /** The team's local tools by the name TOOL.CALL uses for them (ToolEntry.remoteName). */
  tools: Readonly<Record<string, Tool>>;
  clock?: Clock;
}

/**
 * A team's local tools (`tools:<team>`): validates a call's arguments with the tool's zod
 * schema, asks the tool's approval rule, runs `execute` (timeout, abort on TOOL.CANCEL) and
 * answers the caller with TOOL.RESULT, many calls at once. The rule and `execute` are user
 * code: they run here, never in a machine.
 */
export const localTools = fromCallback<ToolServiceEvent, LocalToolsInput>(({ input, receive, system }) => {
  const clock = input.clock ?? systemClock;
  const calls = new CallsInFlight();

  const answer = (call: ToolCallEvent, content: Content, isError: boolean, started: number, needsApproval = false) => {
    const at = clock.now();
    const result: ToolResultEvent = { type: "TOOL.RESULT", callId: call.callId, content, isError, ms: at - started, at };
    if (needsApproval) result.needsApproval = true;
    actorAt(system, call.replyTo)?.send(result);
  };

  const run = async (call: ToolCallEvent) => {
    const started = clock.now();
    const tool = Object.hasOwn(input.tools, call.name) ? input.tools[call.name] : undefined;
    if (!tool) {
      answer(call, `Error: unknown tool "${call.name}".`, true, started);
      return;
    }
    const check = validateToolArgs(tool, call.args);
    if (!check.ok) {
      answer(call, check.message, true, started);
      return;
    }
    const controller = calls.start(call.callId);
    const context = {
      signal: controller.signal,
      agent: call.agent,
      model: call.model,
      runId: call.runId,
      callId: call.callId,
      idempotencyKey: call.idempotencyKey,
    };
    let timer: unknown;
    let content: Content;
    let isError = false;
    try {
      if (!call.approved && tool.needsApproval !== undefined && tool.needsApproval !== false) {
        const needs = tool.needsApproval === true ? true : await tool.needsApproval(check.args, context);
        if (needs) {
          if (calls.settle(call.callId, controller)) answer(call, `${tool.name} needs approval before it runs.`, false, started, true);
          return;
        }
      }
      const running = Promise.resolve(tool.execute(check.args, context));
      const timeoutMs = call.timeoutMs;
      const timeout =
        timeoutMs === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              timer = clock.setTimeout(() => {
                controller.abort();
                reject(new Error(`timed out after ${timeoutMs} ms`));
              }, timeoutMs);
            });
      content = toolOutputContent(await (timeout ? Promise.race([running, timeout]) : running));
    } catch (error) {
      content = toolErrorText(error);
      isError = true;
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
    if (calls.settle(call.callId, controller)) answer(call, content, isError, started);
  };

  receive((event) => {
    if (event.type === "TOOL.CANCEL") calls.abort(event.callId);
    else void run(event);
  });
  return () => calls.close();
});
