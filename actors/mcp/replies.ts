/**
 * The MCP service's outbox (child `replies` of machines/mcp/service.ts): every TOOL.RESULT of a
 * service goes out through it. It notes when each call arrived (REPLY.START) and stamps the
 * answer with `at` (epoch ms) and `ms` (time inside the service, queueing included), then
 * delivers it to the caller's systemId: the clock is read here, never in the machine.
 */
import { fromCallback } from "xstate";
import { actorAt } from "../../machines/deliver.js";
import type { ReplyCommand } from "../../machines/mcp/protocol.js";
import type { ToolResultEvent } from "../../machines/tools/protocol.js";

export const mcpReplies = fromCallback<ReplyCommand>(({ receive, system }) => {
  const started = new Map<string, number>();
  receive((command) => {
    if (command.type === "REPLY.START") {
      started.set(command.callId, performance.now());
      return;
    }
    const since = started.get(command.callId);
    started.delete(command.callId);
    const result: ToolResultEvent = {
      type: "TOOL.RESULT",
      callId: command.callId,
      content: command.content,
      isError: command.isError,
      ms: since === undefined ? 0 : performance.now() - since,
      at: Date.now(),
    };
    if (command.needsApproval) result.needsApproval = true;
    actorAt(system, command.replyTo)?.send(result);
  });
});
