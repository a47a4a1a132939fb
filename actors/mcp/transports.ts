/**
 * Opening one transport of a connection: stdio (a child process whose stderr baton keeps the
 * tail of), Streamable HTTP or SSE (with the connection's OAuth provider and a fetch that notes
 * the server's 401/403 challenges, which src/mcp/failures.ts reads).
 */
import { extractWWWAuthenticateParams, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike, Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AuthChallenge } from "../../src/mcp/failures.js";
import type { ConnectConfig } from "../../src/mcp/spec.js";
import type { StderrTail } from "../../src/mcp/stderrTail.js";
import { fetchWithTraceHeaders } from "../observability/traceHeaders.js";

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

export interface StdioOpened {
  transport: Transport;
  /** Settles when the server's stderr has ended (so its last lines are in the tail). */
  stderrDone: Promise<void>;
}

export function stdioTransport(
  config: Extract<ConnectConfig, { kind: "stdio" }>,
  stderr: StderrTail,
  onStarted: (pid: number) => void,
): StdioOpened {
  const transport = new TrackedStdioTransport(
    {
      command: config.command,
      args: config.args,
      ...(config.env ? { env: config.env } : {}),
      ...(config.cwd ? { cwd: config.cwd } : {}),
      stderr: "pipe",
    },
    onStarted,
  );
  const pipe = transport.stderr;
  let stderrDone = Promise.resolve();
  if (pipe) {
    pipe.on("data", (chunk: Buffer) => stderr.push(chunk));
    stderrDone = new Promise<void>((resolve) => {
      pipe.once("end", resolve);
      pipe.once("close", resolve);
    });
  }
  return { transport, stderrDone };
}

/** Remembers the server's last authorization challenge; a success of the MCP endpoint clears it. */
export class ChallengeWatch {
  last: AuthChallenge | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly onChallenge: (challenge: AuthChallenge) => void = () => undefined,
  ) {}

  readonly fetch: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (response.status === 401 || response.status === 403) {
      const { scope, error } = extractWWWAuthenticateParams(response);
      this.last = { status: response.status, ...(scope ? { scope } : {}), ...(error ? { error } : {}) };
      this.onChallenge(this.last);
    } else if (response.ok && String(url) === this.endpoint) {
      this.last = undefined;
    }
    return response;
  };
}

export function httpTransport(
  mode: "streamable-http" | "sse",
  config: Extract<ConnectConfig, { kind: "http" }>,
  options: { authProvider?: OAuthClientProvider; watch: ChallengeWatch },
): Transport {
  const url = new URL(config.url);
  const requestInit: RequestInit = config.headers ? { headers: config.headers } : {};
  const auth = options.authProvider ? { authProvider: options.authProvider } : {};
  // The trace context of a request (params._meta) also goes in its HTTP headers.
  const traced = fetchWithTraceHeaders(options.watch.fetch);
  if (mode === "sse") return new SSEClientTransport(url, { requestInit, fetch: traced, ...auth });
  return new StreamableHTTPClientTransport(url, {
    requestInit,
    fetch: traced,
    ...auth,
    reconnectionOptions: { maxRetries: 1, initialReconnectionDelay: 250, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2 },
  });
}
