import { type ActorRefFrom, type AnyActorRef, assign, emit, enqueueActions, setup } from "xstate";
import { evaluatePolicy } from "../../actors/team/evaluatePolicy.js";
import type { ErrorData } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import type { ModelRef } from "../../src/models/modelRef.js";
import { decideStep, handoffNote, type StepVerdict } from "../../src/policies/decide.js";
import type { Policy, PolicyContext, PolicyDecision } from "../../src/policies/types.js";
import type {
  AgentProgressEvent,
  CancelEvent,
  DelegateCancelEvent,
  DelegateEvent,
  FailedEvent,
  FinalEvent,
  HandoffEvent,
  StepDoneEvent,
  StepGrantEvent,
  StepRequestEvent,
  ToolResultEvent,
} from "../../src/protocol.js";
import type { HandoffRecord, RunStatus } from "../../src/result.js";
import { progressEvent } from "../../src/team/progressEvents.js";
import { buildResult, type RunState, recordHandoff } from "../../src/team/runState.js";
import type { Tool } from "../../src/tools/defineTool.js";
import type { HandoffMode } from "../../src/tools/handoffTools.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import { type Message, repairTranscript, userMessage } from "../../src/transcript/index.js";
import { extend } from "../../src/util/extend.js";
import { agentMachine, type RetryOptions } from "../agent/agent.js";
import { toolServiceMachine } from "../tools/toolService.js";

export type HandoffFilter = (transcript: readonly Message[], info: { from: string; to: string }) => Message[];

export interface SupervisorInput {
  teamId: string;
  models: readonly ModelRef[];
  /** systemId of the provider service of each model (`provider:<name>`), by model id. */
  providerServices: Readonly<Record<string, string>>;
  localTools: readonly Tool[];
  /** systemId of the Runner's local tool executor (`tool-executor`). */
  toolExecutor: string;
  /** Every tool of the team: local and MCP. */
  tools: readonly ToolEntry[];
  mcpServers: readonly string[];
  instructions?: string;
  policy?: Policy;
  maxSteps: number;
  maxHandoffs: number;
  handoffMode: HandoffMode;
  handoffFilter?: HandoffFilter;
  retry: RetryOptions;
  /** Someone listens to progress (runner.stream, teams): agents report tool calls and results. */
  stream: boolean;
  samplingModel: string;
  toolTimeoutMs?: number;
  /** Restored state (team snapshots). */
  transcript?: readonly Message[];
  activeModel?: string;
}

export type RunRequest = {
  type: "RUN";
  runId: string;
  input: string;
  messages?: readonly Message[];
  maxSteps?: number;
  maxHandoffs?: number;
  /**
   * Start a new conversation on these actors: no earlier transcript, the first model active.
   * runner.run reuses an idle team this way instead of spawning a new one.
   */
  fresh?: boolean;
};

/** Raised by the supervisor itself when a user callback fails mid-action. */
export type RunAbortEvent = { type: "RUN.ABORT"; error: ErrorData };

type SupervisorEvent =
  | RunRequest
  | RunAbortEvent
  | CancelEvent
  | StepRequestEvent
  | StepDoneEvent
  | HandoffEvent
  | FinalEvent
  | FailedEvent
  | DelegateEvent
  | DelegateCancelEvent
  | AgentProgressEvent;

/** A delegated subtask in flight, keyed by the model doing it. */
interface Delegation {
  callId: string;
  caller: string;
  started: number;
}

/** What a supervisor is spawned with, fixed for the team's life (see AgentContext on why nested). */
export type SupervisorConfig = Omit<SupervisorInput, "transcript" | "activeModel" | "providerServices" | "localTools" | "toolExecutor">;

export interface SupervisorContext {
  config: SupervisorConfig;
  transcript: Message[];
  activeModel: string;
  agents: Record<string, ActorRefFrom<typeof agentMachine>>;
  run: RunState | undefined;
  /** The note for the model that just received the task, given with its next grant. */
  note: string | undefined;
  /** The main model's pending request and how the policy ruled on it. */
  verdict: StepVerdict | undefined;
  /** Set while deciding after the active model failed. */
  failure: (ErrorData & { model: string }) | undefined;
  delegations: Record<string, Delegation>;
  /** The run is a new conversation that nothing continues (runner.run): its transcript is dropped at the end. */
  oneOff: boolean;
}

/** What a finished run leaves: no run state, and no transcript if nothing continues it (an idle team kept by runner.run holds no old data). */
function afterRun(context: SupervisorContext): Partial<SupervisorContext> {
  const cleared = { run: undefined, verdict: undefined, failure: undefined, note: undefined, delegations: {} };
  return context.oneOff ? extend(cleared, { transcript: [] }) : cleared;
}

export function policyContext(context: SupervisorContext): PolicyContext {
  const run = context.run!;
  const ctx: PolicyContext = {
    step: run.granted + 1,
    model: context.activeModel,
    models: context.config.models.map((m) => m.id),
    messages: context.transcript,
    toolsCalled: run.toolResults.map((t) => t.name),
    handoffs: run.handoffs,
    usage: run.usage,
    tools: context.config.tools.map((t) => t.spec.name),
    mcpServers: [...context.config.mcpServers],
    maxSteps: run.maxSteps,
    failures: run.failures,
  };
  if (context.failure) ctx.lastError = context.failure;
  return ctx;
}

export const modelRef = (context: SupervisorContext, id: string) => context.config.models.find((m) => m.id === id)!;

/**
 * The supervisor's implementations: what each action does and how guards decide. The
 * statechart that wires them is in `supervisor.ts`.
 */
export const supervisorSetup = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    emitted: {} as RunEvent,
  },
  actors: { evaluatePolicy, agent: agentMachine, toolService: toolServiceMachine },
  actions: {
    emitProgress: emit(({ context, event }) =>
      progressEvent(event as AgentProgressEvent, { runId: context.run?.runId ?? "", teamId: context.config.teamId }),
    ),
    /** Moves the task: records the handoff, makes the transcript valid for the receiver, sends TASK. */
    transfer: enqueueActions(
      ({ context, enqueue }, params: { from: string; to: string; reason: string; task: string; by: HandoffRecord["by"] }) => {
        const run = context.run!;
        const receiver = modelRef(context, params.to);
        const transcript = repairTranscript(context.transcript, { receiverProvider: receiver.provider });
        const record: HandoffRecord = { from: params.from, to: params.to, reason: params.reason, step: run.steps.length, by: params.by };
        if (params.task) record.task = params.task;
        enqueue.assign({
          run: recordHandoff(run, record),
          transcript,
          activeModel: params.to,
          note: handoffNote(params.to, params.from, params.reason, params.task),
          failure: undefined,
        });
        enqueue.emit({ type: "handoff", runId: run.runId, teamId: context.config.teamId, ...record });
        let seen: readonly Message[] = transcript;
        if (context.config.handoffFilter) {
          try {
            seen = context.config.handoffFilter(transcript, { from: params.from, to: params.to });
          } catch (error) {
            const message = `The handoffFilter threw: ${error instanceof Error ? error.message : String(error)}`;
            enqueue.raise({ type: "RUN.ABORT", error: { code: "POLICY_ERROR", message } });
            return;
          }
        }
        enqueue.sendTo(context.agents[params.to]!, {
          type: "TASK",
          runId: run.runId,
          transcript: repairTranscript(seen, { receiverProvider: receiver.provider }),
          handoff: { from: params.from, reason: params.reason, task: params.task },
        });
      },
    ),
    finish: enqueueActions(({ context, enqueue }, params: { status: RunStatus; reason?: string; output?: string }) => {
      const run = context.run!;
      const result = buildResult(
        params.output === undefined ? run : extend(run, { finalOutput: params.output }),
        context.transcript,
        params.status,
        context.activeModel,
        params.reason,
      );
      enqueue.emit({ type: "run.finished", runId: run.runId, teamId: context.config.teamId, result });
      enqueue.assign(afterRun(context));
    }),
    fail: enqueueActions(({ context, enqueue }, params: { error: ErrorData }) => {
      const run = context.run!;
      for (const agent of Object.values(context.agents)) enqueue.sendTo(agent, { type: "CANCEL" });
      const partial = buildResult(run, context.transcript, "stopped", context.activeModel, params.error.message);
      enqueue.emit({ type: "run.failed", runId: run.runId, teamId: context.config.teamId, error: params.error, partial });
      enqueue.assign(afterRun(context));
    }),
    /** With no policy function the verdict is ruled on STEP.REQUEST itself (see plainVerdict). */
    storePlainVerdict: assign(({ context }) => ({ verdict: plainVerdict(context) })),
    grantStep: enqueueActions(({ context, enqueue }) => {
      grant(context, enqueue, context.verdict as GrantVerdict);
    }),
    /** The grant without a policy function: straight from plainVerdict, no assign of it first. */
    grantPlainStep: enqueueActions(({ context, enqueue }) => {
      grant(context, enqueue, plainVerdict(context) as GrantVerdict);
    }),
    denyMoved: enqueueActions(({ context, enqueue }) => {
      const verdict = context.verdict as Extract<StepVerdict, { kind: "move" }>;
      enqueue.assign({ run: extend(context.run!, { maxSteps: verdict.maxSteps }) });
      enqueue.sendTo(context.agents[context.activeModel]!, { type: "STEP.DENY", reason: `moved to ${verdict.to} by policy` });
    }),
    denyActive: ({ context }) => context.agents[context.activeModel]?.send({ type: "STEP.DENY", reason: "run ended" }),
    startDelegation: enqueueActions(({ context, event, enqueue }) => {
      const e = event as DelegateEvent;
      const caller = context.agents[e.from];
      const target = context.agents[e.to];
      if (!caller) return;
      const busy = e.to === context.activeModel || e.to in context.delegations || !target;
      if (busy || context.config.handoffMode === "transfer") {
        const reason = !target ? `${e.to} is not in this team` : `${e.to} is busy with another task; ask again later or do it yourself`;
        const result: ToolResultEvent = {
          type: "TOOL.RESULT",
          callId: e.callId,
          content: `Error: ${reason}.`,
          isError: true,
          ms: 0,
          at: 0,
        };
        enqueue.sendTo(caller, result);
        return;
      }
      enqueue.assign({
        delegations: extend(context.delegations, { [e.to]: { callId: e.callId, caller: e.from, started: performance.now() } }),
      });
      enqueue.sendTo(target, { type: "TASK", runId: context.run!.runId, transcript: [userMessage(e.task)], delegated: true });
    }),
    cancelDelegation: enqueueActions(({ context, event, enqueue }) => {
      const e = event as DelegateCancelEvent;
      const entry = Object.entries(context.delegations).find(([, d]) => d.callId === e.callId);
      if (!entry) return;
      const { [entry[0]]: _, ...rest } = context.delegations;
      enqueue.sendTo(context.agents[entry[0]]!, { type: "CANCEL" });
      enqueue.assign({ delegations: rest });
    }),
    grantDelegate: enqueueActions(({ context, event, enqueue }) => {
      const model = (event as StepRequestEvent).model;
      const run = context.run!;
      const delegation = context.delegations[model]!;
      if (run.granted >= run.maxSteps) {
        const { [model]: _, ...rest } = context.delegations;
        enqueue.sendTo(context.agents[model]!, { type: "STEP.DENY", reason: "step limit" });
        const result: ToolResultEvent = {
          type: "TOOL.RESULT",
          callId: delegation.callId,
          content: `Error: ${model} could not work on the subtask: maxSteps (${run.maxSteps}) reached.`,
          isError: true,
          ms: performance.now() - delegation.started,
          at: 0,
        };
        enqueue.sendTo(context.agents[delegation.caller]!, result);
        enqueue.assign({ delegations: rest });
        return;
      }
      const verdict = decideStep({
        decision: undefined,
        model: modelRef(context, model),
        models: context.config.models,
        step: run.granted + 1,
        stepsUsed: run.granted,
        maxSteps: run.maxSteps,
        instructions: context.config.instructions,
        handoffNote: `You are ${model}. ${delegation.caller} asked you for this subtask; your final answer goes back to it.`,
        tools: context.config.tools,
      });
      if (verdict.kind !== "grant") return;
      enqueue.assign({ run: extend(run, { granted: run.granted + 1 }) });
      enqueue.emit({ type: "step.started", runId: run.runId, teamId: context.config.teamId, model, step: verdict.grant.step });
      enqueue.sendTo(context.agents[model]!, verdict.grant);
    }),
    answerDelegation: enqueueActions(({ context, event, enqueue }) => {
      const e = event as FinalEvent | FailedEvent;
      const delegation = context.delegations[e.model];
      if (!delegation) return;
      const { [e.model]: _, ...rest } = context.delegations;
      const result: ToolResultEvent =
        e.type === "FINAL"
          ? {
              type: "TOOL.RESULT",
              callId: delegation.callId,
              content: e.output,
              isError: false,
              ms: performance.now() - delegation.started,
              at: 0,
            }
          : {
              type: "TOOL.RESULT",
              callId: delegation.callId,
              content: `Error: ${e.model} failed on the subtask: ${e.error.message}`,
              isError: true,
              ms: performance.now() - delegation.started,
              at: 0,
            };
      enqueue.sendTo(context.agents[delegation.caller]!, result);
      enqueue.assign({ delegations: rest });
    }),
  },
  guards: {
    fromActive: ({ context, event }) => {
      const sender = senderOf(event);
      return sender === context.activeModel && !isDelegate(context, sender);
    },
    /** The policy is absent or a plain object: a step can be ruled without calling anything. */
    noPolicyFunction: ({ context }) => typeof context.config.policy !== "function",
    /** The verdict a policy function led to (state `ruling`) is of this kind. */
    verdictIs: ({ context }, params: { kind: StepVerdict["kind"] }) => context.verdict?.kind === params.kind,
    /** The verdict without a policy function is of this kind. */
    plainVerdictIs: ({ context }, params: { kind: StepVerdict["kind"] }) => plainVerdict(context).kind === params.kind,
    fromDelegate: ({ context, event }) => {
      const sender = senderOf(event);
      return sender !== undefined && isDelegate(context, sender);
    },
  },
});

/** The model an agent event comes from. */
function senderOf(event: SupervisorEvent): string | undefined {
  if ("model" in event) return event.model;
  if (event.type === "HANDOFF") return event.from;
  return undefined;
}

export function isDelegate(context: SupervisorContext, model: string): boolean {
  return model in context.delegations;
}

type GrantVerdict = Extract<StepVerdict, { kind: "grant" }>;

/** Grants the active model its step: count it, tell the listeners, send the grant. */
function grant(
  context: SupervisorContext,
  enqueue: {
    assign: (update: Partial<SupervisorContext>) => void;
    emit: (event: RunEvent) => void;
    sendTo: (to: AnyActorRef, event: StepGrantEvent) => void;
  },
  verdict: GrantVerdict,
): void {
  const run = context.run!;
  enqueue.assign({ run: extend(run, { granted: run.granted + 1, maxSteps: verdict.maxSteps }), note: undefined, verdict: undefined });
  enqueue.emit({
    type: "step.started",
    runId: run.runId,
    teamId: context.config.teamId,
    model: context.activeModel,
    step: verdict.grant.step,
  });
  enqueue.sendTo(context.agents[context.activeModel]!, verdict.grant);
}

/**
 * The verdict on the active model's step request when there is no policy function to call. The
 * guards that pick a branch and the branch's actions see the same context object, so it is
 * computed once per request.
 */
const plainVerdicts = new WeakMap<SupervisorContext, StepVerdict>();
function plainVerdict(context: SupervisorContext): StepVerdict {
  let verdict = plainVerdicts.get(context);
  if (!verdict) {
    verdict = verdictFor(context, context.config.policy as PolicyDecision | undefined);
    plainVerdicts.set(context, verdict);
  }
  return verdict;
}

export function verdictFor(context: SupervisorContext, decision: PolicyDecision | undefined): StepVerdict {
  const run = context.run!;
  return decideStep({
    decision,
    model: modelRef(context, context.activeModel),
    models: context.config.models,
    step: run.granted + 1,
    stepsUsed: run.granted,
    maxSteps: run.maxSteps,
    instructions: context.config.instructions,
    handoffNote: context.note,
    tools: context.config.tools,
  });
}
