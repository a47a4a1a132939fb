/**
 * A trivial MCP tool call (server-everything `echo`, stdio) through baton and through a direct
 * `@modelcontextprotocol/sdk` Client. Baton's tool time is what a listener sees between the
 * `tool.called` and `tool.result` events (agent → MCP service actor → connection → server and
 * back); the step record's `ms` is reported too. Also: a Runner's first run (spawns and connects
 * the server) against its second (reuses it).
 */
import { createRequire } from "node:module";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Runner } from "../src/index.js";
import { contentText, type SimRequest, type SimTurn } from "../src/sim/index.js";
import { median, p95 } from "./measure.js";

const SERVER = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");
const ECHO_ARGS = { message: "hello from the benchmark" };
const EXPECTED = `Echo: ${ECHO_ARGS.message}`;

export interface McpFigures {
  direct: { connectMs: number; callMedianMs: number; callP95Ms: number };
  baton: {
    firstRunMs: number;
    firstToolMs: number;
    secondRunMs: number;
    secondToolMs: number;
    /** tool.called → tool.result, as a listener sees it. */
    callMedianMs: number;
    callP95Ms: number;
    /** The step record's toolCalls[].ms (measured inside the MCP service). */
    recordedMedianMs: number;
    /** Whole runs (one sim model call, the echo call, a second model call), for scale. */
    runMedianMs: number;
  };
  errors: string[];
}

/** A sim model that calls `echo` once, then answers with what it got back. */
function echoTurn(request: SimRequest): SimTurn {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return { text: contentText(last.content) };
  const echo = request.tools.find((tool) => tool.name === "echo" || tool.name.endsWith("__echo"));
  return echo ? { toolCalls: [{ name: echo.name, args: ECHO_ARGS }] } : { text: "no echo tool" };
}

function echoText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((part) => part.text ?? "").join("");
}

export async function measureMcp(counts: { mcpCalls: number; warmup: number; reps: number }): Promise<McpFigures> {
  const errors: string[] = [];
  const spec = { command: process.execPath, args: [SERVER, "stdio"], name: "everything" };

  // Direct client.
  const client = new Client({ name: "baton-bench", version: "1.0.0" });
  const connectStarted = performance.now();
  await client.connect(new StdioClientTransport({ command: spec.command, args: spec.args, stderr: "ignore" }));
  const connectMs = performance.now() - connectStarted;
  const direct = async () => {
    const started = performance.now();
    const result = await client.callTool({ name: "echo", arguments: ECHO_ARGS });
    const ms = performance.now() - started;
    if (echoText(result) !== EXPECTED && errors.length < 5) errors.push(`direct: ${JSON.stringify(result).slice(0, 120)}`);
    return ms;
  };

  // Through baton.
  const runner = new Runner({ providers: { sim: { scripts: { mcp: echoTurn } } }, env: {} });
  const viaBaton = async () => {
    let calledAt = 0;
    let toolMs = Number.NaN;
    const started = performance.now();
    const stream = runner.stream({ input: "Echo something.", model: "sim/mcp", mcpServers: [spec] });
    // Listeners run as the events are emitted (the iterator would add its own scheduling).
    stream.on("tool.called", () => {
      calledAt = performance.now();
    });
    stream.on("tool.result", () => {
      toolMs = performance.now() - calledAt;
    });
    const result = await stream.result;
    const runMs = performance.now() - started;
    if (result.finalOutput !== EXPECTED && errors.length < 5) errors.push(`baton: ${JSON.stringify(result.finalOutput).slice(0, 120)}`);
    return { runMs, toolMs, recordedMs: result.steps[0]?.toolCalls[0]?.ms ?? Number.NaN };
  };

  const first = await viaBaton();
  const second = await viaBaton();
  for (let i = 0; i < counts.warmup; i++) {
    await direct();
    await viaBaton();
  }
  const directTimes: number[] = [];
  const batonTimes: Array<{ runMs: number; toolMs: number; recordedMs: number }> = [];
  for (let rep = 0; rep < counts.reps; rep++) {
    for (let i = 0; i < counts.mcpCalls; i++) directTimes.push(await direct());
    for (let i = 0; i < counts.mcpCalls; i++) batonTimes.push(await viaBaton());
  }
  await client.close();
  await runner.close();

  const toolTimes = batonTimes.map((t) => t.toolMs);
  return {
    direct: { connectMs, callMedianMs: median(directTimes), callP95Ms: p95(directTimes) },
    baton: {
      firstRunMs: first.runMs,
      firstToolMs: first.toolMs,
      secondRunMs: second.runMs,
      secondToolMs: second.toolMs,
      callMedianMs: median(toolTimes),
      callP95Ms: p95(toolTimes),
      recordedMedianMs: median(batonTimes.map((t) => t.recordedMs)),
      runMedianMs: median(batonTimes.map((t) => t.runMs)),
    },
    errors,
  };
}
