/**
 * One connection to one MCP server (the effect side of machines/mcpService.ts): starts the
 * transport (stdio, or Streamable HTTP falling back to SSE), lists tools, runs calls (many at
 * once, each with its own AbortController), answers server-to-client requests, and reports
 * what happened. It decides nothing: restarts, queues and replies are the service machine's.
 * Stopping the actor closes the client and the server process; `hooks.track` gets that promise.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  McpError,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { fromCallback } from "xstate";
import { callErrorText, toolResultText } from "../../src/mcp/content.js";
import type { ElicitationFn, McpRoot } from "../../src/mcp/options.js";
import { pickSamplingModel, type SampleFn, toCreateMessageResult, toSampleRequest } from "../../src/mcp/sampling.js";
import type { ConnectConfig, TransportKind } from "../../src/mcp/spec.js";
import { StderrTail } from "../../src/mcp/stderrTail.js";
import type { McpToolInfo } from "../../src/mcp/toolNames.js";

/** What the pool provides to every connection: answers to server requests and process tracking. */
export interface ConnectionHooks {
  sample: SampleFn;
  /** `mcp.sampling.model`; otherwise the sampling model of the calls in flight. */
  samplingModel?: string;
  elicitation?: ElicitationFn;
  roots?: McpRoot[];
  /** Called with a server process id when it starts and when it is gone (signal handling). */
  processStarted(pid: number): void;
  processEnded(pid: number): void;
  /** Receives the promise of closing this connection, so close() can await every process. */
  track(closing: Promise<void>): void;
}

export interface ConnectionInput {
  gen: number;
  server: string;
  connect: ConnectConfig;
  /** The HTTP transport that worked before (reconnects skip the probe of the other). */
  preferred?: TransportKind;
  connectTimeoutMs: number;
  probeTimeoutMs: number;
  hooks: ConnectionHooks;
}

/** service → connection */
export type ConnectionCommand =
  | { type: "CALL"; callId: string; name: string; args: Record<string, unknown>; timeoutMs: number; samplingModel?: string }
  | { type: "CANCEL"; callId: string }
  | { type: "PROBE" };

/** connection → service; `gen` tells reports of an earlier connection apart. */
export type ConnectionReport =
  | { type: "CONN.READY"; gen: number; tools: McpToolInfo[]; transport: TransportKind; pid?: number }
  | { type: "CONN.FAILED"; gen: number; message: string; stderr: string }
  | { type: "CONN.CLOSED"; gen: number; message: string; stderr: string }
  | { type: "CONN.TOOLS"; gen: number; tools: McpToolInfo[] }
  | { type: "CONN.RESULT"; gen: number; callId: string; content: string; isError: boolean; suspect: boolean }
  | { type: "CONN.SUSPECT"; gen: number; reason: string };

/** A stdio transport that reports its process id as soon as the process runs. */
class TrackedStdioTransport extends StdioClientTransport {
  constructor(
    params: ConstructorParameters<typeof StdioClientTransport>[0],
    private readonly onStarted: (pid: number) => void,
  ) {
    super(params);
  }

  override async start(): Promise<void> {
    await super.start();
    if (this.pid !== null) this.onStarted(this.pid);
  }
}

const STDIO_EXIT_GRACE_MS = 500;

function terminate(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Errors that say something about the connection rather than about the tool call. */
function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof McpError)) return true;
  return error.code === ErrorCode.RequestTimeout || error.code === ErrorCode.ConnectionClosed;
}

async function listAllTools(client: Client, timeout: number): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout });
    for (const t of page.tools) {
      tools.push({
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        ...(t.description ? { description: t.description } : {}),
        inputSchema: t.inputSchema as Record<string, unknown>,
      });
    }
    cursor = page.nextCursor;
  } while (cursor && tools.length < 10_000);
  return tools;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const mcpConnection = fromCallback<ConnectionCommand, ConnectionInput>(({ input, sendBack, receive }) => {
  const { gen, server, connect, hooks } = input;
  const report = (event: ConnectionReport) => sendBack(event);
  const stderr = new StderrTail();
  const inFlight = new Map<string, { controller: AbortController; samplingModel?: string | undefined }>();
  let client: Client | undefined;
  let transport: Transport | undefined;
  let stderrDone: Promise<void> = Promise.resolve();
  let pid: number | undefined;
  let kind: TransportKind | undefined;
  let ready = false;
  let closed = false; // the connection is gone (reported or failed): no more reports of calls
  let stopped = false; // the actor was stopped
  let probing = false;
  let refreshing = false;
  let refreshWanted = false;

  const makeClient = (): Client => {
    const c = new Client(
      { name: "baton", version: "0.1.0" },
      { capabilities: { sampling: {}, elicitation: { form: {} }, ...(hooks.roots ? { roots: { listChanged: false } } : {}) } },
    );
    c.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const model = pickSamplingModel(hooks.samplingModel, [...inFlight.values()]);
      if (!model) {
        throw new McpError(
          ErrorCode.InvalidRequest,
          `baton has no model to answer sampling requests from MCP server "${server}": set the mcp.sampling.model option, or call the tool from a team`,
        );
      }
      return toCreateMessageResult(await hooks.sample(model, toSampleRequest(request.params)));
    });
    c.setRequestHandler(ElicitRequestSchema, async (request) => {
      const params = request.params as { mode?: string; message: string; requestedSchema?: unknown };
      if (!hooks.elicitation || params.mode === "url") return { action: "decline" as const };
      const answer = await hooks.elicitation({ serverName: server, message: params.message, requestedSchema: params.requestedSchema });
      return answer.content === undefined ? { action: answer.action } : { action: answer.action, content: answer.content };
    });
    const roots = hooks.roots;
    if (roots) c.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.map((r) => ({ ...r })) }));
    c.setNotificationHandler(ToolListChangedNotificationSchema, async () => refreshTools());
    c.onclose = () => onClosed();
    c.onerror = (error) => {
      // HTTP transports report a vanished server only here (SSE stream cut, failed reconnects).
      if (ready && !closed && !stopped && kind !== "stdio") report({ type: "CONN.SUSPECT", gen, reason: errorMessage(error) });
    };
    return c;
  };

  const onClosed = () => {
    if (pid !== undefined) hooks.processEnded(pid);
    if (!ready || closed || stopped) return; // during connect the connect promise fails instead
    closed = true;
    const message =
      kind === "stdio" ? `MCP server "${server}" exited` : `The connection to MCP server "${server}" was closed by the server`;
    void withTimeout(stderrDone, 500).then(() => {
      if (!stopped) report({ type: "CONN.CLOSED", gen, message, stderr: stderr.tail() });
    });
  };

  const refreshTools = () => {
    refreshWanted = true;
    if (!ready || refreshing) return;
    refreshing = true;
    void (async () => {
      while (refreshWanted && !closed && !stopped && client) {
        refreshWanted = false;
        try {
          const tools = await listAllTools(client, input.connectTimeoutMs);
          if (!closed && !stopped) report({ type: "CONN.TOOLS", gen, tools });
        } catch {
          // the next notification or a reconnect brings the list up to date
        }
      }
      refreshing = false;
    })();
  };

  const openStdio = async (config: Extract<ConnectConfig, { kind: "stdio" }>) => {
    const t = new TrackedStdioTransport(
      {
        command: config.command,
        args: config.args,
        ...(config.env ? { env: config.env } : {}),
        ...(config.cwd ? { cwd: config.cwd } : {}),
        stderr: "pipe",
      },
      (started) => {
        pid = started;
        hooks.processStarted(started);
      },
    );
    const pipe = t.stderr;
    if (pipe) {
      pipe.on("data", (chunk: Buffer) => stderr.push(chunk));
      stderrDone = new Promise<void>((resolve) => {
        pipe.once("end", resolve);
        pipe.once("close", resolve);
      }).then(() => undefined);
    }
    transport = t;
    client = makeClient();
    kind = "stdio";
    await client.connect(t, { timeout: input.connectTimeoutMs });
  };

  const openHttp = async (config: Extract<ConnectConfig, { kind: "http" }>) => {
    const url = new URL(config.url);
    const requestInit: RequestInit = config.headers ? { headers: config.headers } : {};
    const modes: Array<"streamable-http" | "sse"> =
      config.transport !== "auto" ? [config.transport] : input.preferred === "sse" ? ["sse"] : ["streamable-http", "sse"];
    const failures: string[] = [];
    for (const mode of modes) {
      if (stopped) return;
      const t =
        mode === "sse"
          ? new SSEClientTransport(url, { requestInit })
          : new StreamableHTTPClientTransport(url, {
              requestInit,
              reconnectionOptions: {
                maxRetries: 1,
                initialReconnectionDelay: 250,
                maxReconnectionDelay: 1000,
                reconnectionDelayGrowFactor: 2,
              },
            });
      const c = makeClient();
      transport = t;
      client = c;
      kind = mode;
      try {
        await c.connect(t, { timeout: input.connectTimeoutMs });
        return;
      } catch (error) {
        failures.push(`${mode === "sse" ? "SSE" : "Streamable HTTP"}: ${errorMessage(error)}`);
        await c.close().catch(() => undefined);
      }
    }
    throw new Error(failures.join("; "));
  };

  const open = async () => {
    if (connect.kind === "stdio") await openStdio(connect);
    else await openHttp(connect);
    if (stopped || !client || !kind) return;
    const tools = await listAllTools(client, input.connectTimeoutMs);
    if (stopped) return;
    ready = true;
    report({ type: "CONN.READY", gen, tools, transport: kind, ...(pid !== undefined ? { pid } : {}) });
    if (refreshWanted) refreshTools();
  };

  open().catch(async (error) => {
    if (stopped || closed) return;
    closed = true;
    await withTimeout(stderrDone, 500);
    if (!stopped) report({ type: "CONN.FAILED", gen, message: errorMessage(error), stderr: stderr.tail() });
  });

  const call = (command: Extract<ConnectionCommand, { type: "CALL" }>) => {
    const controller = new AbortController();
    inFlight.set(command.callId, { controller, samplingModel: command.samplingModel });
    const finish = (content: string, isError: boolean, suspect: boolean) => {
      inFlight.delete(command.callId);
      if (!closed && !stopped && !controller.signal.aborted) {
        report({ type: "CONN.RESULT", gen, callId: command.callId, content, isError, suspect });
      }
    };
    if (!client) {
      finish(callErrorText(server, command.name, new Error("not connected")), true, true);
      return;
    }
    client
      .callTool({ name: command.name, arguments: command.args }, undefined, {
        signal: controller.signal,
        timeout: command.timeoutMs,
        resetTimeoutOnProgress: true,
        onprogress: () => undefined, // asks for progress notifications, which extend the timeout
      })
      .then((result) => {
        const text = toolResultText(result);
        finish(text.content, text.isError, false);
      })
      .catch((error: unknown) => {
        const timedOut = error instanceof McpError && error.code === ErrorCode.RequestTimeout;
        const text = timedOut
          ? `MCP server "${server}" did not answer ${command.name} within ${command.timeoutMs} ms (no result and no progress); the call was cancelled.`
          : callErrorText(server, command.name, error);
        finish(text, true, kind !== "stdio" && isTransportFailure(error));
      });
  };

  const probe = () => {
    if (probing || closed || stopped || !client) return;
    probing = true;
    client
      .ping({ timeout: input.probeTimeoutMs })
      .then(() => {
        probing = false;
      })
      .catch((error: unknown) => {
        probing = false;
        if (closed || stopped) return;
        closed = true;
        report({ type: "CONN.CLOSED", gen, message: `Lost the connection to MCP server "${server}": ${errorMessage(error)}`, stderr: "" });
      });
  };

  receive((command) => {
    if (command.type === "CALL") call(command);
    else if (command.type === "CANCEL") inFlight.get(command.callId)?.controller.abort(new Error("Tool call cancelled"));
    else if (command.type === "PROBE") probe();
  });

  return () => {
    stopped = true;
    for (const { controller } of inFlight.values()) controller.abort(new Error("MCP connection closed"));
    inFlight.clear();
    const c = client;
    const t = transport;
    const endedPid = pid;
    hooks.track(
      (async () => {
        if (t instanceof StreamableHTTPClientTransport && t.sessionId)
          await withTimeout(
            t.terminateSession().catch(() => undefined),
            1000,
          );
        // A busy server may not exit on stdin EOF: after a short grace, SIGTERM (the SDK waits 2 s).
        const grace = endedPid === undefined ? undefined : setTimeout(() => terminate(endedPid), STDIO_EXIT_GRACE_MS);
        await c?.close().catch(() => undefined);
        if (!c) await t?.close().catch(() => undefined);
        clearTimeout(grace);
        if (endedPid !== undefined) hooks.processEnded(endedPid);
      })(),
    );
  };
});
