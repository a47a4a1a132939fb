/**
 * The SDK client of one connection, with baton's answers to server-to-client requests
 * (DESIGN §5: a deliberate answer, never a hang): sampling with one of the Runner's models,
 * elicitation through the user's handler (default: decline), roots from the options.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  McpError,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ElicitationFn, McpRoot } from "../../src/mcp/options.js";
import { pickSamplingModel, type SampleFn, toCreateMessageResult, toSampleRequest } from "../../src/mcp/sampling.js";
import type { TraceContext } from "../../src/observability/traceContext.js";

/** What the pool provides to every connection: answers to server requests and process tracking. */
export interface ConnectionHooks {
  sample: SampleFn;
  /** `mcp.sampling.model`; otherwise the sampling model of the calls in flight. */
  samplingModel?: string;
  elicitation?: ElicitationFn;
  /** Ask the SDK to fill in the defaults of the requested schema in accepted elicitation answers. */
  elicitationDefaults?: boolean;
  roots?: McpRoot[];
  /** Called with a server process id when it starts and when it is gone (signal handling). */
  processStarted(pid: number): void;
  processEnded(pid: number): void;
  /** Receives the promise of closing a connection, so close() can await every process. */
  track(closing: Promise<void>): void;
  /** The trace context to send with a tool call (the span of that call, when its run is traced). */
  traceContext?: (call: ToolCallTrace) => TraceContext | undefined;
}

/** What identifies a tool call to the observers: its run, agent, tool and idempotency key. */
export interface ToolCallTrace {
  runId: string;
  agent: string;
  name: string;
  idempotencyKey?: string;
}

export interface ClientEvents {
  /** The sampling models of the calls in flight, newest last. */
  callsInFlight(): ReadonlyArray<{ samplingModel?: string | undefined }>;
  toolsChanged(): void;
  closed(): void;
  error(error: Error): void;
}

export function makeClient(server: string, hooks: ConnectionHooks, on: ClientEvents): Client {
  const form = hooks.elicitationDefaults ? { applyDefaults: true } : {};
  const client = new Client(
    { name: "baton", version: "0.1.0" },
    { capabilities: { sampling: {}, elicitation: { form }, ...(hooks.roots ? { roots: { listChanged: false } } : {}) } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    const model = pickSamplingModel(hooks.samplingModel, on.callsInFlight());
    if (!model) {
      throw new McpError(
        ErrorCode.InvalidRequest,
        `baton has no model to answer sampling requests from MCP server "${server}": set the mcp.sampling.model option, or call the tool from a team`,
      );
    }
    return toCreateMessageResult(await hooks.sample(model, toSampleRequest(request.params)));
  });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    const params = request.params as { mode?: string; message: string; requestedSchema?: unknown };
    if (!hooks.elicitation || params.mode === "url") return { action: "decline" as const };
    const answer = await hooks.elicitation({ serverName: server, message: params.message, requestedSchema: params.requestedSchema });
    return answer.content === undefined ? { action: answer.action } : { action: answer.action, content: answer.content };
  });
  const roots = hooks.roots;
  if (roots) client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.map((r) => ({ ...r })) }));
  client.setNotificationHandler(ToolListChangedNotificationSchema, async () => on.toolsChanged());
  client.onclose = () => on.closed();
  client.onerror = (error) => on.error(error);
  return client;
}
