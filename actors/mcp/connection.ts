/**
 * One connection to one MCP server (the effect side of machines/mcp/service.ts): opens the
 * transports the service chose, in order (src/mcp/failures.ts says when to stop trying),
 * lists tools, runs calls (many at once, each with its own AbortController), asks the user's
 * approval function where the service says so, answers server-to-client requests, and
 * reports what happened (machines/mcp/protocol.ts). Stopping the actor closes the client and
 * the server process; `hooks.track` gets that promise.
 *
 * The pool binds a connection's settings with `mcpConnection(deps)`: the command, env, headers
 * and authorization stay in this closure, never in the service's context or messages.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { fromCallback } from "xstate";
import type { ConnectionCommand, ConnectionInput, ConnectionReport, McpFailure } from "../../machines/mcp/protocol.js";
import { needsApprovalText } from "../../src/mcp/approval.js";
import type { AuthFix } from "../../src/mcp/auth/problem.js";
import { toolResultContent } from "../../src/mcp/content.js";
import {
  authProblemOf,
  callFailure,
  connectFailure,
  errorMessage,
  retriesAfterAuthorization,
  triesNextTransport,
} from "../../src/mcp/failures.js";
import { closedText, lostText, requireApprovalErrorText } from "../../src/mcp/serviceMessages.js";
import type { ConnectConfig, TransportKind } from "../../src/mcp/spec.js";
import { StderrTail } from "../../src/mcp/stderrTail.js";
import type { McpToolInfo } from "../../src/mcp/toolNames.js";
import { type TraceContext, withTraceMeta } from "../../src/observability/traceContext.js";
import { activeTraceContext } from "../observability/activeContext.js";
import type { AuthSession } from "./auth/session.js";
import { type ConnectionHooks, makeClient } from "./client.js";
import { ChallengeWatch, httpTransport, stdioTransport } from "./transports.js";

export type { ConnectionHooks } from "./client.js";

/** What the pool binds into one server's connection logic. */
export interface ConnectionDeps {
  server: string;
  /** What a person does about an authorization problem (the text of refused calls says it). */
  fix: AuthFix;
  connect: ConnectConfig;
  hooks: ConnectionHooks;
  /** Opens this connection's authorization (HTTP servers); `onAuthorizing` reports a person at work. */
  authorize?: (onAuthorizing: () => void) => Promise<AuthSession>;
  /** The user's `requireApproval` function, asked where the service says `checkApproval`. */
  approve?: (tool: string, args: Record<string, unknown>) => boolean | Promise<boolean>;
}

const STDIO_EXIT_GRACE_MS = 500;

function terminate(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
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

/**
 * The trace context a tool call carries: its span's (the Runner's observers know it), else the
 * caller's own traceparent, else the span active here (a caller's ALS context), if any.
 */
function traceContextOf(command: Extract<ConnectionCommand, { type: "CALL" }>, hooks: ConnectionHooks): TraceContext | undefined {
  const origin = command.origin;
  const observed = origin ? hooks.traceContext?.({ ...origin, name: command.name }) : undefined;
  if (observed) return observed;
  if (origin?.traceparent) return { traceparent: origin.traceparent };
  return activeTraceContext();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A connect that failed, with what the failure means (the message joins every transport tried). */
class ConnectFailed extends Error {
  constructor(readonly failure: Omit<McpFailure, "stderr">) {
    super(failure.message);
  }
}

export function mcpConnection(deps: ConnectionDeps) {
  const { server, connect, hooks } = deps;
  return fromCallback<ConnectionCommand, ConnectionInput>(({ input, sendBack, receive }) => {
    const { gen } = input;
    const report = (event: ConnectionReport) => sendBack(event);
    const stderr = new StderrTail();
    const inFlight = new Map<string, { controller: AbortController; samplingModel?: string | undefined }>();
    const watch = new ChallengeWatch(connect.kind === "http" ? new URL(connect.url).href : "", (challenge) =>
      session?.challenged(challenge),
    );
    let session: AuthSession | undefined;
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

    const newClient = () =>
      makeClient(server, hooks, {
        callsInFlight: () => [...inFlight.values()],
        toolsChanged: () => refreshTools(),
        closed: () => onClosed(),
        error: (error) => {
          // HTTP transports report a vanished server only here (SSE stream cut, failed reconnects).
          if (ready && !closed && !stopped && kind !== "stdio") report({ type: "CONN.SUSPECT", gen, reason: errorMessage(error) });
        },
      });

    const onClosed = () => {
      if (pid !== undefined) hooks.processEnded(pid);
      if (!ready || closed || stopped) return; // during connect the connect promise fails instead
      closed = true;
      const message = closedText(server, kind);
      void withTimeout(stderrDone, 500).then(() => {
        if (!stopped) report({ type: "CONN.CLOSED", gen, failure: { message, stderr: stderr.tail() } });
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
      const opened = stdioTransport(config, stderr, (started) => {
        pid = started;
        hooks.processStarted(started);
      });
      transport = opened.transport;
      stderrDone = opened.stderrDone;
      client = newClient();
      kind = "stdio";
      try {
        await client.connect(opened.transport, { timeout: input.connectTimeoutMs });
      } catch (error) {
        throw new ConnectFailed(connectFailure("stdio", error));
      }
    };

    /** One HTTP transport: its tools when it connected, else what its failure means. */
    const tryHttp = async (mode: "streamable-http" | "sse", config: Extract<ConnectConfig, { kind: "http" }>) => {
      const t = httpTransport(mode, config, { ...(session?.provider ? { authProvider: session.provider } : {}), watch });
      const c = newClient();
      transport = t;
      client = c;
      kind = mode;
      try {
        // A person may be authorizing inside this connect: wait as long as the service does.
        await c.connect(t, { timeout: session?.interactive ? input.authorizationTimeoutMs : input.connectTimeoutMs });
        // Listing may be what asks for authorization (servers that let initialize through).
        return { tools: await listAllTools(c, session?.interactive ? input.authorizationTimeoutMs : input.connectTimeoutMs) };
      } catch (error) {
        await c.close().catch(() => undefined);
        return { failure: connectFailure(mode, error, watch.last) };
      }
    };

    const openHttp = async (config: Extract<ConnectConfig, { kind: "http" }>): Promise<McpToolInfo[] | undefined> => {
      if (deps.authorize) session = await deps.authorize(() => report({ type: "CONN.AUTHORIZING", gen }));
      if (stopped) {
        await session?.close(); // stopped while the session opened: the stop handler did not see it
        return undefined;
      }
      const failures: string[] = [];
      for (const mode of input.transports) {
        if (stopped || mode === "stdio") return undefined;
        const before = session?.completed() ?? 0;
        let attempt = await tryHttp(mode, config);
        // A person authorized during that attempt: the SDK still fails it; the next one has the token.
        if (session && retriesAfterAuthorization(attempt.failure?.auth, before, session.completed()) && !stopped) {
          attempt = await tryHttp(mode, config);
        }
        if (attempt.tools) return attempt.tools;
        const { failure } = attempt;
        failures.push(failure.message);
        if (!triesNextTransport(failure))
          throw new ConnectFailed({ message: failures.join("; "), ...(failure.auth ? { auth: failure.auth } : {}) });
      }
      throw new ConnectFailed({ message: failures.join("; ") });
    };

    const open = async () => {
      let tools: McpToolInfo[] | undefined;
      if (connect.kind === "stdio") {
        await openStdio(connect);
        if (!stopped && client) tools = await listAllTools(client, input.connectTimeoutMs);
      } else tools = await openHttp(connect);
      if (stopped || !client || !kind || !tools) return;
      ready = true;
      report({ type: "CONN.READY", gen, tools, transport: kind, ...(pid !== undefined ? { pid } : {}) });
      if (refreshWanted) refreshTools();
    };

    open().catch(async (error: unknown) => {
      if (stopped || closed) return;
      closed = true;
      await withTimeout(stderrDone, 500);
      const failure = error instanceof ConnectFailed ? error.failure : { message: errorMessage(error) };
      if (!stopped) report({ type: "CONN.FAILED", gen, failure: { ...failure, stderr: stderr.tail() } });
    });

    const call = async (command: Extract<ConnectionCommand, { type: "CALL" }>) => {
      const controller = new AbortController();
      inFlight.set(command.callId, { controller, samplingModel: command.samplingModel });
      const finish = (result: Omit<Extract<ConnectionReport, { type: "CONN.RESULT" }>, "type" | "gen" | "callId">) => {
        inFlight.delete(command.callId);
        if (!closed && !stopped && !controller.signal.aborted) report({ type: "CONN.RESULT", gen, callId: command.callId, ...result });
      };
      if (command.checkApproval && deps.approve) {
        try {
          if (await deps.approve(command.name, command.args)) {
            return finish({ content: needsApprovalText(command.name), isError: false, suspect: false, needsApproval: true });
          }
        } catch (error) {
          return finish({ content: requireApprovalErrorText(server, command.name, error), isError: true, suspect: false });
        }
      }
      const about = { server, tool: command.name, timeoutMs: command.timeoutMs, transport: kind, fix: deps.fix };
      const meta = withTraceMeta(undefined, traceContextOf(command, hooks));
      const run = async () => {
        if (!client) throw new Error("not connected");
        const params = { name: command.name, arguments: command.args, ...(meta ? { _meta: meta } : {}) };
        return client.callTool(params, undefined, {
          signal: controller.signal,
          timeout: command.timeoutMs,
          resetTimeoutOnProgress: true,
          onprogress: () => undefined, // asks for progress notifications, which extend the timeout
        });
      };
      const before = session?.completed() ?? 0;
      try {
        let result: unknown;
        try {
          result = await run();
        } catch (error) {
          // Step-up: a person just granted more scope during this call; the SDK still fails it.
          if (!(session && retriesAfterAuthorization(authProblemOf(error, watch.last), before, session.completed()))) throw error;
          result = await run();
        }
        const content = toolResultContent(result);
        finish({ content: content.content, isError: content.isError, suspect: false });
      } catch (error) {
        finish({ ...callFailure(about, error, watch.last), isError: true });
      }
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
          report({ type: "CONN.CLOSED", gen, failure: { message: lostText(server, errorMessage(error)), stderr: "" } });
        });
    };

    receive((command) => {
      if (command.type === "CALL") void call(command);
      else if (command.type === "CANCEL") inFlight.get(command.callId)?.controller.abort(new Error("Tool call cancelled"));
      else if (command.type === "PROBE") probe();
    });

    return () => {
      stopped = true;
      for (const { controller } of inFlight.values()) controller.abort(new Error("MCP connection closed"));
      inFlight.clear();
      const c = client;
      const t = transport;
      const s = session;
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
          await s?.close().catch(() => undefined);
          if (endedPid !== undefined) hooks.processEnded(endedPid);
        })(),
      );
    };
  });
}
