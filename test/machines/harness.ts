/**
 * Rigs for driving the team's machines directly (no Runner): a root actor that spawns the
 * machine under test next to recording stubs registered under the systemIds the machine
 * addresses (machines/addresses.ts), and records what each of them receives.
 */
import { type AnyActorRef, type AnyEventObject, createActor, fromCallback, SimulatedClock, setup } from "xstate";
import { address } from "../../machines/addresses.js";
import { agentMachine } from "../../machines/agent/agent.js";
import type { AgentInput } from "../../machines/agent/context.js";
import type { ProviderCallEvent } from "../../machines/providers/protocol.js";
import type { AgentInfo, SupervisorInput } from "../../machines/team/context.js";
import type { SupervisorEmitted } from "../../machines/team/plan.js";
import type { Grant } from "../../machines/team/protocol.js";
import { supervisorMachine } from "../../machines/team/supervisor.js";
import { DEFAULT_RETRY } from "../../src/agent/retry.js";
import type { ErrorData } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import { type ModelRef, parseModel } from "../../src/models/modelRef.js";
import type { ModelResponse } from "../../src/providers/types.js";
import type { CheckpointRecord } from "../../src/store/records.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";

export const TEAM = "T";

/** A stub actor that records every message it receives into `input.log`. */
const recorder = fromCallback<AnyEventObject, { log: AnyEventObject[] }>(({ input, receive }) => {
  receive((event) => {
    input.log.push(event);
  });
});

export function model(id: string): ModelRef {
  return parseModel(id);
}

/** A local tool of team T (answered by `tools:T`). */
export function localTool(name: string): ToolEntry {
  return {
    spec: { name, description: `the ${name} tool`, parameters: { type: "object" } },
    service: address.tools(TEAM),
    remoteName: name,
    source: "local",
  };
}

/** An MCP tool (answered by `mcp:<server>`, known there by `remoteName`). */
export function mcpTool(name: string, server: string, remoteName = name): ToolEntry {
  return {
    spec: { name, description: `the ${name} tool of ${server}`, parameters: { type: "object" } },
    service: address.mcp(server),
    remoteName,
    source: server,
  };
}

export function grant(over: Partial<Grant> = {}): Grant {
  return { step: 1, steps: 1, prepend: [], append: [], settings: {}, tools: [], ...over };
}

export function response(over: Partial<ModelResponse> = {}): ModelResponse {
  return { text: "", toolCalls: [], usage: { inputTokens: 10, outputTokens: 5 }, stopReason: "stop", ...over };
}

/** A retryable provider failure, as the provider service reports one. */
export function retryable(message = "503 overloaded", retryAfterMs?: number): ErrorData {
  return {
    code: "PROVIDER_ERROR",
    message,
    details: { retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  };
}

/** The events of one type a log holds. */
export function ofType<T extends string>(log: readonly AnyEventObject[], type: T): Array<AnyEventObject & { type: T }> {
  return log.filter((e) => e.type === type) as Array<AnyEventObject & { type: T }>;
}

// ── the agent ────────────────────────────────────────────────────────────────────────────────

export interface AgentRigOptions {
  name?: string;
  model?: string;
  peers?: AgentInput["peers"];
  handoffMode?: AgentInput["handoffMode"];
  retry?: Partial<AgentInput["retry"]>;
  stream?: boolean;
  toolTimeoutMs?: number;
  /** Services that run (systemIds); a tool whose service is not here finds none. */
  services?: string[];
  /** Start the provider service stub (default true). */
  provider?: boolean;
}

export interface AgentRig {
  agent: AnyActorRef;
  clock: SimulatedClock;
  /** What the agent sent its parent (the supervisor), in order. */
  parent: AnyEventObject[];
  /** What the provider service received. */
  provider: AnyEventObject[];
  /** What each tool service received, by systemId. */
  services: Record<string, AnyEventObject[]>;
  /** What the team's event channel received. */
  channel: AnyEventObject[];
  send(event: AnyEventObject): void;
  /** The CALL messages the provider service received. */
  calls(): ProviderCallEvent[];
  lastCall(): ProviderCallEvent;
  /** Answers the latest CALL (or `callId`) with CALL.DONE. */
  answer(over: Partial<ModelResponse>, times?: { startedAt?: number; at?: number; callId?: string }): void;
  /** Answers the latest CALL with CALL.FAILED. */
  fail(error: ErrorData, times?: { startedAt?: number; at?: number; callId?: string }): void;
  state(): unknown;
  stop(): void;
}

export const PROVIDER = address.provider("sim");

export function agentRig(options: AgentRigOptions = {}): AgentRig {
  const name = options.name ?? "a";
  const parent: AnyEventObject[] = [];
  const provider: AnyEventObject[] = [];
  const channel: AnyEventObject[] = [];
  const services: Record<string, AnyEventObject[]> = {};
  const input: AgentInput = {
    teamId: TEAM,
    name,
    model: model(options.model ?? "sim/a"),
    peers: options.peers ?? [{ name: "b", description: "writes well" }],
    handoffMode: options.handoffMode ?? "transfer",
    providerService: PROVIDER,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    stream: options.stream ?? false,
    samplingModel: "sim/a",
    toolTimeoutMs: options.toolTimeoutMs,
    strictSettings: false,
  };
  const root = setup({ actors: { agent: agentMachine, recorder } }).createMachine({
    context: ({ spawn }) => {
      if (options.provider !== false) spawn("recorder", { systemId: PROVIDER, input: { log: provider } });
      if (options.stream) spawn("recorder", { systemId: address.events(TEAM), input: { log: channel } });
      for (const id of options.services ?? [address.tools(TEAM)]) {
        services[id] = [];
        spawn("recorder", { systemId: id, input: { log: services[id] } });
      }
      spawn("agent", { id: "agent", systemId: address.agent(TEAM, name), input });
      return {};
    },
    on: {
      "*": {
        actions: ({ event }) => {
          if (!event.type.startsWith("xstate.")) parent.push(event);
        },
      },
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(root, { clock }).start();
  const agent = actor.system.get(address.agent(TEAM, name)) as AnyActorRef;
  const calls = () => ofType(provider, "CALL") as unknown as ProviderCallEvent[];
  const lastCall = () => {
    const all = calls();
    if (!all.length) throw new Error("no CALL was made");
    return all[all.length - 1]!;
  };
  return {
    agent,
    clock,
    parent,
    provider,
    services,
    channel,
    send: (event) => agent.send(event),
    calls,
    lastCall,
    answer: (over, times = {}) =>
      agent.send({
        type: "CALL.DONE",
        callId: times.callId ?? lastCall().callId,
        output: response(over),
        startedAt: times.startedAt ?? 1000,
        at: times.at ?? 1250,
      }),
    fail: (error, times = {}) =>
      agent.send({
        type: "CALL.FAILED",
        callId: times.callId ?? lastCall().callId,
        error,
        startedAt: times.startedAt ?? 1000,
        at: times.at ?? 1100,
      }),
    state: () => agent.getSnapshot().value,
    stop: () => actor.stop(),
  };
}

// ── the supervisor ───────────────────────────────────────────────────────────────────────────

export function agentInfo(name: string, over: Partial<AgentInfo> = {}): AgentInfo {
  const m = model(over.model?.id ?? `sim/${name}`);
  return {
    name,
    model: m,
    description: `${name} is good at things`,
    instructions: undefined,
    tools: [],
    handoffs: [],
    output: undefined,
    filtered: false,
    providerService: PROVIDER,
    ...over,
  };
}

export interface SupervisorRig {
  supervisor: AnyActorRef;
  /** What each (stub) agent received, by agent name. */
  agents: Record<string, AnyEventObject[]>;
  /** What the callbacks actor received. */
  callbacks: AnyEventObject[];
  /** What the provider service received (with `realAgents`). */
  provider: AnyEventObject[];
  /** The public events the supervisor emitted. */
  events: RunEvent[];
  /** The checkpoint records it emitted for the store, in order. */
  checkpoints: CheckpointRecord[];
  send(event: AnyEventObject): void;
  /** Answers a CALL (with `realAgents`) as the provider service would. */
  answerCall(call: ProviderCallEvent, output: Partial<ModelResponse>, times: { startedAt: number; at: number }): void;
  /** The emitted events of one type. */
  emitted<T extends RunEvent["type"]>(type: T): Array<Extract<RunEvent, { type: T }>>;
  /** The last message agent `name` received. */
  lastTo(name: string): AnyEventObject;
  state(): unknown;
  context(): import("../../machines/team/context.js").SupervisorContext;
  stop(): void;
}

/**
 * The supervisor with its agents replaced by recording stubs (`provide`), and a recording
 * callbacks actor. `realAgents` keeps the real agent machines, with a recording provider service
 * the test answers (the two machines together).
 */
export function supervisorRig(
  input: Partial<SupervisorInput> & { agents: AgentInfo[] },
  extra: { realAgents?: boolean } = {},
): SupervisorRig {
  const agents: Record<string, AnyEventObject[]> = {};
  const callbacks: AnyEventObject[] = [];
  const events: RunEvent[] = [];
  const checkpoints: CheckpointRecord[] = [];
  for (const a of input.agents) agents[a.name] = [];
  const stubAgent = fromCallback<AnyEventObject, AgentInput>(({ input: agentInput, receive }) => {
    receive((event) => {
      agents[agentInput.name]!.push(event);
    });
  });
  const machine = extra.realAgents ? supervisorMachine : supervisorMachine.provide({ actors: { agent: stubAgent as never } });
  const full: SupervisorInput = {
    teamId: TEAM,
    start: input.agents[0]!.name,
    instructions: undefined,
    policy: undefined,
    policyFunction: false,
    maxSteps: 10,
    maxHandoffs: 10,
    handoffMode: "transfer",
    outputRetries: 1,
    stream: false,
    retry: DEFAULT_RETRY,
    toolTimeoutMs: undefined,
    strictSettings: false,
    answers: undefined,
    samplingModel: "sim/a",
    ...input,
  };
  const provider: AnyEventObject[] = [];
  const root = setup({ actors: { supervisor: machine, recorder } }).createMachine({
    context: ({ spawn }) => {
      spawn("recorder", { systemId: address.callbacks(TEAM), input: { log: callbacks } });
      if (extra.realAgents) spawn("recorder", { systemId: PROVIDER, input: { log: provider } });
      spawn("supervisor", { id: "supervisor", systemId: address.team(TEAM), input: full });
      return {};
    },
  });
  const actor = createActor(root).start();
  const supervisor = actor.system.get(address.team(TEAM)) as AnyActorRef;
  supervisor.on("*", (event: SupervisorEmitted) => {
    if (event.type === "checkpoint") checkpoints.push(...event.records);
    else events.push(event);
  });
  return {
    supervisor,
    agents,
    callbacks,
    provider,
    events,
    checkpoints,
    send: (event) => supervisor.send(event),
    answerCall: (call, output, times) =>
      actor.system.get(call.replyTo)?.send({ type: "CALL.DONE", callId: call.callId, output: response(output), ...times }),
    emitted: (type) => events.filter((e) => e.type === type) as never,
    lastTo: (name) => {
      const log = agents[name]!;
      if (!log.length) throw new Error(`agent ${name} received nothing`);
      return log[log.length - 1]!;
    },
    state: () => supervisor.getSnapshot().value,
    context: () => supervisor.getSnapshot().context,
    stop: () => actor.stop(),
  };
}
