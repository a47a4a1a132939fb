/**
 * One seed of `simulate()`: a fresh Runner on a virtual clock with seeded ids, the team's
 * models played by scripts under the seed's fault plan, the run driven to its end (resumed
 * while it waits for approvals), then the Runner closed and what is left counted.
 */
import { getEventListeners } from "node:events";
import type { AnyActorRef, InspectionEvent } from "xstate";
import { type DriveOutcome, drive } from "../../actors/sim/drive.js";
import { faultyTool } from "../../actors/sim/faultyTools.js";
import { McpWatch } from "../../actors/sim/mcpWatch.js";
import { scriptedProvider } from "../../actors/sim/scriptedProvider.js";
import { VirtualClock } from "../../actors/sim/virtualClock.js";
import { WireGate, wireProvider } from "../../actors/sim/wireProvider.js";
import { BatonError, toErrorData } from "../errors.js";
import type { RunEvent } from "../events.js";
import type { AgentDefinition, TeamOptions } from "../options/types.js";
import type { PlainModelRequest } from "../providers/types.js";
import type { RunResult } from "../result.js";
import { Runner } from "../runner.js";
import { withRuntime } from "../runtime.js";
import type { Tool } from "../tools/defineTool.js";
import { FaultPlan, type FaultSchedule } from "./simulate/faults.js";
import { type SimRng, seededIds, seededRng } from "./simulate/rng.js";
import type { SimOutcome, SimRun, SimulateOptions } from "./simulate/types.js";
import type { Wire } from "./wire.js";

/** Simulated time starts here for every seed (2025-01-01T00:00:00Z), so times in events replay too. */
export const SIM_EPOCH = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
/** Real time a seed may wait on real I/O (wire mode, MCP processes). */
const MAX_REAL_MS = 20_000;
/** Real time an MCP run may sit with nothing visible to do before it counts as hung. */
const IDLE_GRACE_MS = 2_000;
/** Real time a closed Runner's server processes may take to exit. */
const EXIT_GRACE_MS = 3_000;
/** Resumes of an interrupted run before the seed stops deciding (a model that asks forever). */
const MAX_RESUMES = 20;

/** The team of the options, with every local tool under the plan's faults. */
export function teamOf(options: SimulateOptions): TeamOptions {
  const team = options.team ?? {};
  if (options.model !== undefined) return { ...team, model: options.model };
  return team;
}

function withFaultyTools(team: TeamOptions, wrap: (tool: Tool) => Tool): TeamOptions {
  const out: TeamOptions = { ...team };
  if (team.tools) out.tools = team.tools.map(wrap);
  if (team.agents)
    out.agents = team.agents.map((agent): AgentDefinition => (agent.tools ? { ...agent, tools: agent.tools.map(wrap) } : agent));
  return out;
}

function hasMcp(team: TeamOptions): boolean {
  return Boolean(team.mcpServers?.length || team.agents?.some((agent) => agent.mcpServers?.length));
}

function providersOf(team: TeamOptions): string[] {
  const ids: string[] = [];
  const add = (model: unknown) => {
    const id = typeof model === "string" ? model : (model as { model?: unknown } | undefined)?.model;
    if (typeof id === "string") ids.push(id.split("/")[0]!);
  };
  if (Array.isArray(team.model)) team.model.forEach(add);
  else add(team.model);
  for (const agent of team.agents ?? []) add(agent.model);
  return [...new Set(ids)];
}

function outcomeOf(settled: DriveOutcome<RunResult<unknown>>): SimOutcome {
  if (!settled.settled) return "hung";
  if (settled.ok) return settled.value.status;
  return settled.error instanceof BatonError && settled.error.code === "CANCELLED" ? "cancelled" : "failed";
}

export async function runSeed(options: SimulateOptions, seed: number, schedule?: FaultSchedule, wire?: Wire): Promise<SimRun> {
  const clock = new VirtualClock(SIM_EPOCH);
  const plan = new FaultPlan(options.faults ?? {}, seed, schedule);
  const scriptRng = seededRng(seed, "scripts");
  const approvalRng = seededRng(seed, "approvals");
  const controller = new AbortController();
  const abort = () => clock.setTimeout(() => controller.abort(), 0);
  const requests: PlainModelRequest[] = [];
  const actors: AnyActorRef[] = [];
  const unhandledRejections: string[] = [];
  const onUnhandled = (reason: unknown) => unhandledRejections.push(reason instanceof Error ? reason.message : String(reason));
  process.on("unhandledRejection", onUnhandled);

  const mcp = new McpWatch(plan, abort);
  const hooks = { clock, plan, abort, record: (request: PlainModelRequest) => requests.push(request) };
  const gate = new WireGate();
  wire?.begin({ scripts: options.scripts, rng: scriptRng, gate });
  const runner = new Runner(
    withRuntime(
      {
        ...(options.retry ? { retry: options.retry } : {}),
        ...(wire ? { providers: wire.providers, env: {} } : {}),
        inspect: (event: InspectionEvent) => {
          if (event.type === "@xstate.actor") actors.push(event.actorRef as AnyActorRef);
          mcp.observe(event);
        },
      },
      {
        clock,
        newId: seededIds(seed),
        provider: (name, make) => (wire ? wireProvider(make(), hooks, gate) : scriptedProvider(name, options.scripts, scriptRng, hooks)),
      },
    ),
  );
  const teamOptions = teamOf(options);
  const events: RunEvent[] = [];
  let settledCount = 0;
  const usesMcp = hasMcp(teamOptions);
  // Loaded before the run: a module loading is I/O the driver cannot see.
  if (usesMcp) await import("../../actors/mcp/pool.js");
  const limits = { maxVirtualMs: options.maxVirtualMs ?? DAY_MS, maxRealMs: MAX_REAL_MS, idleGraceMs: usesMcp || wire ? IDLE_GRACE_MS : 0 };
  const busy = () => mcp.busy || gate.busy;
  let settled: DriveOutcome<RunResult<unknown>>;
  try {
    const team = runner.team(withFaultyTools(teamOptions, (tool) => faultyTool(tool, hooks)));
    team.subscribe((event) => events.push(event));
    const work = (async () => {
      let result = await team.run(options.input, { signal: controller.signal });
      for (let resumes = 0; result.status === "interrupted" && resumes < MAX_RESUMES; resumes++) {
        const decide = options.approve ?? ((_: unknown, rng: SimRng) => rng.chance(0.5));
        const approve: string[] = [];
        const reject: Array<{ id: string }> = [];
        for (const interruption of result.interruptions ?? []) {
          if (decide(interruption, approvalRng)) approve.push(interruption.id);
          else reject.push({ id: interruption.id });
        }
        result = await team.resume({ approve, reject, signal: controller.signal });
      }
      return result;
    })();
    work.then(
      () => settledCount++,
      () => settledCount++,
    );
    settled = await drive(work, clock, busy, limits);
  } catch (error) {
    settled = { settled: true, ok: false, error };
  }
  const virtualMs = clock.now() - SIM_EPOCH;
  await drive(runner.close(), clock, busy, limits);
  process.off("unhandledRejection", onUnhandled);
  const processes = await exited(mcp);

  const outcome = outcomeOf(settled);
  let result: RunResult<unknown> | undefined;
  let error: SimRun["error"];
  if (!settled.settled) error = { code: "INTERNAL", message: settled.reason };
  else if (settled.ok) result = settled.value;
  else {
    error = toErrorData(settled.error, "INTERNAL");
    if (settled.error instanceof BatonError) result = settled.error.partial;
  }
  return {
    seed,
    outcome,
    ...(result ? { result } : {}),
    ...(error ? { error } : {}),
    events,
    requests,
    settled: settledCount,
    faults: plan.injected,
    virtualMs,
    leaks: {
      actors: actors.filter((actor) => actor.getSnapshot().status === "active").map((actor) => actor.id),
      timers: clock.pending,
      signalListeners: getEventListeners(controller.signal, "abort").length,
      processes,
    },
    unhandledRejections,
    team: teamOptions,
    providers: providersOf(teamOptions),
  };
}

/** Server processes still alive a moment after the Runner closed (a killed process takes a little while to go). */
async function exited(mcp: McpWatch): Promise<number[]> {
  for (let waited = 0; waited < EXIT_GRACE_MS; waited += 10) {
    if (mcp.alive().length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return mcp.alive();
}
