/**
 * The sim server: OpenAI Chat Completions and Anthropic Messages on 127.0.0.1, answered from
 * scripts, with fault injection. node:http only, so the official SDKs run their real code
 * paths (HTTP, SSE parsing, error classes) against it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { BatonError } from "../../errors.js";
import { resolveTurn, type SimRequest, type SimScript, type SimTurn, turnToResponse } from "../../providers/simScript.js";
import { anthropicProtocol } from "./anthropicProtocol.js";
import { cutConnection, publicHeaders, readBody, sendJson } from "./http.js";
import { openaiProtocol } from "./openaiProtocol.js";
import { asProblem, isRecord, type Problem, type WireProtocol } from "./protocol.js";
import { writeSse } from "./sse.js";
import type { RecordedRequest, SimServer, SimServerOptions } from "./types.js";

const ROUTES: Readonly<Record<string, WireProtocol>> = {
  "/v1/chat/completions": openaiProtocol,
  "/v1/messages": anthropicProtocol,
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Invalid API key",
  403: "Permission denied",
  404: "Not found",
  408: "Request timed out",
  429: "Rate limit exceeded",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  529: "Overloaded",
};

/** Resolves after `ms`, or early (false) when the signal aborts. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Text-carrying events of a streamed answer: latency is spread over them. */
function textEventCount(events: readonly { text?: boolean }[]): number {
  return events.filter((event) => event.text).length;
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const scripts = options.scripts ?? {};
  const counters = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let seq = 0;

  async function answer(protocol: WireProtocol, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const record: RecordedRequest = { provider: protocol.provider, path, body: undefined, headers: publicHeaders(req.headers), status: 0 };
    requests.push(record);
    const id = seq++;
    const fail = (status: number, message: string, headers: Record<string, string> = {}, detail: Omit<Problem, "message"> = {}) => {
      record.status = status;
      sendJson(res, status, protocol.errorBody(status, message, detail), { ...protocol.headers(id), ...headers });
    };
    const refuse = (problem: Problem) => {
      const { message, status = 400, ...detail } = problem;
      fail(status, message, {}, detail);
    };
    if (options.apiKey !== undefined) {
      const denied = protocol.authenticate(req.headers, options.apiKey);
      if (denied) {
        req.resume();
        return refuse(denied);
      }
    }
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return fail(413, "Request exceeds the maximum allowed number of bytes.");
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      record.body = raw;
      return fail(400, "The request body is not valid JSON.");
    }
    record.body = body;
    if (!isRecord(body)) return fail(400, "The request body must be a JSON object.");
    const verdict = protocol.validate(body) ?? options.checkRequest?.(protocol.provider, body);
    if (verdict) return refuse(asProblem(verdict));

    const model = body.model as string;
    const script: SimScript | undefined = scripts[model] ?? options.defaultScript;
    if (!script) {
      return fail(
        404,
        `No script for model "${model}" on the sim server. Pass startSimServer({ scripts: { "${model}": [{ text: "…" }] } }) or a defaultScript.`,
      );
    }
    const callIndex = counters.get(model) ?? 0;
    counters.set(model, callIndex + 1);
    const simRequest: SimRequest = { model, callIndex, ...protocol.toNeutral(body) };
    let turn: SimTurn;
    try {
      turn = await resolveTurn(model, script, simRequest);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail(error instanceof BatonError && error.code === "SIM_SCRIPT_ERROR" ? 400 : 500, `Sim script error: ${message}`);
    }

    // Stop work for this request when the client disconnects or the server closes.
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const signal = AbortSignal.any([gone.signal, closing.signal]);
    const fault = turn.fault ?? {};
    const stream = protocol.isStream(body);
    const wire = {
      response: turnToResponse(turn, simRequest),
      malformedToolArgs: fault.malformedToolArgs === true,
      seq: id,
      created: Math.floor(Date.now() / 1000),
    };
    const events = stream ? protocol.events(wire, body) : [];
    // Streamed answers spread their latency: one share before the headers, one before each text event.
    const latency = turn.latencyMs ?? 0;
    const share = stream ? latency / (textEventCount(events) + 1) : latency;
    if (!(await wait(share, signal))) return cutConnection(res);

    if (fault.status) {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) };
      return fail(fault.status, fault.message ?? STATUS_TEXT[fault.status] ?? `Simulated HTTP ${fault.status}`, headers);
    }
    if (!stream) {
      // A JSON answer has no events to cut between: the connection drops before any response.
      if (fault.cutStreamAfter !== undefined) return cutConnection(res);
      record.status = 200;
      return sendJson(res, 200, protocol.json(wire, body), protocol.headers(id));
    }
    record.status = 200;
    await writeSse(res, events, {
      headers: protocol.headers(id),
      delayMs: share,
      signal,
      ...(fault.cutStreamAfter === undefined ? {} : { cutAfter: fault.cutStreamAfter }),
    });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const protocol = ROUTES[path];
    if (req.method !== "POST" || !protocol) {
      req.resume();
      sendJson(res, 404, {
        error: { message: `The sim server has no route ${req.method} ${path}. It serves POST /v1/chat/completions and POST /v1/messages.` },
      });
      return;
    }
    answer(protocol, req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, protocol.errorBody(500, `Sim server error: ${message}`));
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    reset() {
      counters.clear();
      requests.length = 0;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
