import { type ActorRefFrom, assign, enqueueActions, fromPromise, setup } from "xstate";
import { BatonError, type ErrorData, toErrorData } from "../src/errors.js";
import type { RunEvent } from "../src/events.js";
import type { ModelRef } from "../src/models/modelRef.js";
import { decideStep, handoffNote, type StepVerdict } from "../src/policies/decide.js";
import type { Policy, PolicyContext, PolicyDecision } from "../src/policies/types.js";
import type {
  AgentProgressEvent,
  CancelEvent,
  DelegateCancelEvent,
  DelegateEvent,
  FailedEvent,
  FinalEvent,
  HandoffEvent,
  StepDoneEvent,
  StepRequestEvent,
  ToolResultEvent,
} from "../src/protocol.js";
import type { Provider } from "../src/providers/types.js";
import type { HandoffRecord, RunStatus } from "../src/result.js";
import { buildResult, newRunState, type RunState, recordFailure, recordHandoff, recordStep } from "../src/runState.js";
import type { Tool } from "../src/tools/defineTool.js";
import type { HandoffMode } from "../src/tools/handoffTools.js";
import type { ToolEntry } from "../src/tools/toolEntry.js";
import { type Message, repairTranscript, userMessage } from "../src/transcript.js";
import { agentMachine, type RetryOptions } from "./agent.js";
import { toolServiceMachine } from "./toolService.js";

export type HandoffFilter = (transcript: readonly Message[], info: { from: string; to: string }) => Message[];

export interface SupervisorInput {
  teamId: string;
  models: readonly ModelRef[];
  providers: Readonly<Record<string, Provider>>;
  localTools: readonly Tool[];
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
};

/** Raised by the supervisor itself when a user callback fails mid-action. */
type RunAbortEvent = { type: "RUN.ABORT"; error: ErrorData };

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

interface SupervisorContext extends Omit<SupervisorInput, "transcript" | "activeModel" | "providers" | "localTools"> {
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
}

const evaluatePolicy = fromPromise<PolicyDecision | undefined, { policy: Policy | undefined; context: PolicyContext }>(
  async ({ input }) => {
    if (!input.policy) return undefined;
    if (typeof input.policy !== "function") return input.policy;
    try {
      return (await input.policy(input.context)) ?? undefined;
    } catch (error) {
      throw new BatonError("POLICY_ERROR", `The policy threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  },
);

function policyContext(context: SupervisorContext): PolicyContext {
  const run = context.run!;
  const ctx: PolicyContext = {
    step: run.granted + 1,
    model: context.activeModel,
    models: context.models.map((m) => m.id),
    messages: context.transcript,
    toolsCalled: run.toolResults.map((t) => t.name),
    handoffs: run.handoffs,
    usage: run.usage,
    tools: context.tools.map((t) => t.spec.name),
    mcpServers: [...context.mcpServers],
    maxSteps: run.maxSteps,
    failures: run.failures,
  };
  if (context.failure) ctx.lastError = context.failure;
  return ctx;
}

const modelRef = (context: SupervisorContext, id: string) => context.models.find((m) => m.id === id)!;

/**
 * One team's supervisor (`team:<id>`): owns the transcript, the counts and the limits, grants
 * every model call, and forwards the task on a handoff by sending TASK to the target agent.
 */
export const supervisorMachine = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    emitted: {} as RunEvent,
  },
  actors: { evaluatePolicy, agent: agentMachine, toolService: toolServiceMachine },
  actions: {
    emitProgress: enqueueActions(({ context, event, enqueue }) => {
      const tag = { runId: context.run?.runId ?? "", teamId: context.teamId };
      const e = event as AgentProgressEvent;
      if (e.type === "AGENT.TEXT_DELTA") enqueue.emit({ type: "text.delta", ...tag, model: e.model, step: e.step, text: e.text });
      else if (e.type === "AGENT.TOOL_CALLED")
        enqueue.emit({ type: "tool.called", ...tag, model: e.model, step: e.step, callId: e.callId, name: e.name, args: e.args });
      else if (e.type === "AGENT.TOOL_RESULT")
        enqueue.emit({
          type: "tool.result",
          ...tag,
          model: e.model,
          step: e.step,
          callId: e.callId,
          name: e.name,
          content: e.content,
          isError: e.isError,
          ms: e.ms,
        });
      else if (e.type === "AGENT.RETRY")
        enqueue.emit({ type: "step.retry", ...tag, model: e.model, step: e.step, attempt: e.attempt, delayMs: e.delayMs, error: e.error });
    }),
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
        enqueue.emit({ type: "handoff", runId: run.runId, teamId: context.teamId, ...record });
        let seen: readonly Message[] = transcript;
        if (context.handoffFilter) {
          try {
            seen = context.handoffFilter(transcript, { from: params.from, to: params.to });
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
        params.output === undefined ? run : { ...run, finalOutput: params.output },
        context.transcript,
        params.status,
        context.activeModel,
        params.reason,
      );
      enqueue.emit({ type: "run.finished", runId: run.runId, teamId: context.teamId, result });
      enqueue.assign({ run: undefined, verdict: undefined, failure: undefined, note: undefined, delegations: {} });
    }),
    fail: enqueueActions(({ context, enqueue }, params: { error: ErrorData }) => {
      const run = context.run!;
      for (const agent of Object.values(context.agents)) enqueue.sendTo(agent, { type: "CANCEL" });
      const partial = buildResult(run, context.transcript, "stopped", context.activeModel, params.error.message);
      enqueue.emit({ type: "run.failed", runId: run.runId, teamId: context.teamId, error: params.error, partial });
      enqueue.assign({ run: undefined, verdict: undefined, failure: undefined, note: undefined, delegations: {} });
    }),
    denyActive: ({ context }) => context.agents[context.activeModel]?.send({ type: "STEP.DENY", reason: "run ended" }),
    startDelegation: enqueueActions(({ context, event, enqueue }) => {
      const e = event as DelegateEvent;
      const caller = context.agents[e.from];
      const target = context.agents[e.to];
      if (!caller) return;
      const busy = e.to === context.activeModel || e.to in context.delegations || !target;
      if (busy || context.handoffMode === "transfer") {
        const reason = !target ? `${e.to} is not in this team` : `${e.to} is busy with another task; ask again later or do it yourself`;
        const result: ToolResultEvent = { type: "TOOL.RESULT", callId: e.callId, content: `Error: ${reason}.`, isError: true, ms: 0 };
        enqueue.sendTo(caller, result);
        return;
      }
      enqueue.assign({ delegations: { ...context.delegations, [e.to]: { callId: e.callId, caller: e.from, started: performance.now() } } });
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
        };
        enqueue.sendTo(context.agents[delegation.caller]!, result);
        enqueue.assign({ delegations: rest });
        return;
      }
      const verdict = decideStep({
        decision: undefined,
        model: modelRef(context, model),
        models: context.models,
        step: run.granted + 1,
        stepsUsed: run.granted,
        maxSteps: run.maxSteps,
        instructions: context.instructions,
        handoffNote: `You are ${model}. ${delegation.caller} asked you for this subtask; your final answer goes back to it.`,
        tools: context.tools,
      });
      if (verdict.kind !== "grant") return;
      enqueue.assign({ run: { ...run, granted: run.granted + 1 } });
      enqueue.emit({ type: "step.started", runId: run.runId, teamId: context.teamId, model, step: verdict.grant.step });
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
            }
          : {
              type: "TOOL.RESULT",
              callId: delegation.callId,
              content: `Error: ${e.model} failed on the subtask: ${e.error.message}`,
              isError: true,
              ms: performance.now() - delegation.started,
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
    fromDelegate: ({ context, event }) => {
      const sender = senderOf(event);
      return sender !== undefined && isDelegate(context, sender);
    },
  },
}).createMachine({
  id: "supervisor",
  context: ({ input, spawn }) => {
    const agents: SupervisorContext["agents"] = {};
    spawn("toolService", { id: "tools", systemId: `tools:${input.teamId}`, input: { tools: input.localTools } });
    for (const model of input.models) {
      agents[model.id] = spawn("agent", {
        id: model.id,
        systemId: `model:${input.teamId}:${model.id}`,
        input: {
          teamId: input.teamId,
          model,
          models: input.models,
          handoffMode: input.handoffMode,
          provider: input.providers[model.id]!,
          retry: input.retry,
          stream: input.stream,
          samplingModel: input.samplingModel,
          ...(input.toolTimeoutMs === undefined ? {} : { toolTimeoutMs: input.toolTimeoutMs }),
        },
      });
    }
    const { transcript, activeModel, providers: _p, localTools: _l, ...rest } = input;
    return {
      ...rest,
      transcript: [...(transcript ?? [])],
      activeModel: activeModel ?? input.models[0]!.id,
      agents,
      run: undefined,
      note: undefined,
      verdict: undefined,
      failure: undefined,
      delegations: {},
    };
  },
  initial: "idle",
  states: {
    idle: {
      on: {
        RUN: {
          target: "running",
          actions: enqueueActions(({ context, event, enqueue }) => {
            const run = newRunState(event.runId, event.input, event.maxSteps ?? context.maxSteps, event.maxHandoffs ?? context.maxHandoffs);
            const transcript = [...context.transcript, ...(event.messages ?? []), userMessage(event.input)];
            enqueue.assign({ run, transcript, note: undefined });
            enqueue.emit({
              type: "run.started",
              runId: run.runId,
              teamId: context.teamId,
              input: event.input,
              models: context.models.map((m) => m.id),
              model: context.activeModel,
            });
            const receiver = modelRef(context, context.activeModel);
            enqueue.sendTo(context.agents[context.activeModel]!, {
              type: "TASK",
              runId: run.runId,
              transcript: repairTranscript(transcript, { receiverProvider: receiver.provider }),
            });
          }),
        },
      },
    },
    running: {
      initial: "working",
      on: {
        CANCEL: {
          target: "idle",
          actions: { type: "fail", params: { error: { code: "CANCELLED", message: "The run was cancelled." } } },
        },
        "RUN.ABORT": { target: "idle", actions: { type: "fail", params: ({ event }) => ({ error: (event as RunAbortEvent).error }) } },
        "AGENT.*": { actions: "emitProgress" },
        "STEP.DONE": {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const run = context.run!;
            const delegate = isDelegate(context, event.model);
            enqueue.assign({
              run: recordStep(run, event.step),
              ...(delegate ? {} : { transcript: [...context.transcript, ...event.messages] }),
            });
            enqueue.emit({
              type: "step.finished",
              runId: run.runId,
              teamId: context.teamId,
              model: event.model,
              step: event.step.step,
              record: event.step,
            });
          }),
        },
        DELEGATE: { actions: "startDelegation" },
        "DELEGATE.CANCEL": { actions: "cancelDelegation" },
      },
      states: {
        working: {
          on: {
            "STEP.REQUEST": [
              { guard: "fromDelegate", actions: "grantDelegate" },
              { guard: "fromActive", target: "deciding" },
              {
                actions: ({ event, context }) => context.agents[event.model]?.send({ type: "STEP.DENY", reason: "not this model's turn" }),
              },
            ],
            HANDOFF: [
              {
                guard: ({ context }) => context.run!.handoffs.length >= context.run!.maxHandoffs,
                target: "#supervisor.idle",
                actions: {
                  type: "finish",
                  params: ({ context }) => ({ status: "max_steps" as const, reason: `maxHandoffs (${context.run!.maxHandoffs}) reached` }),
                },
              },
              {
                guard: "fromActive",
                actions: {
                  type: "transfer",
                  params: ({ event }) => {
                    const e = event as HandoffEvent;
                    return { from: e.from, to: e.to, reason: e.reason, task: e.task, by: "model" as const };
                  },
                },
              },
            ],
            FINAL: [
              { guard: "fromDelegate", actions: "answerDelegation" },
              {
                guard: "fromActive",
                target: "#supervisor.idle",
                actions: {
                  type: "finish",
                  params: ({ event }) => ({ status: "completed" as const, output: (event as FinalEvent).output }),
                },
              },
            ],
            FAILED: [
              { guard: "fromDelegate", actions: "answerDelegation" },
              {
                guard: ({ context, event }) => event.model === context.activeModel && context.policy !== undefined,
                target: "recovering",
                actions: assign(({ context, event }) => {
                  const e = event as FailedEvent;
                  return { run: recordFailure(context.run!, e.model), failure: { ...e.error, model: e.model } };
                }),
              },
              {
                guard: ({ context, event }) => event.model === context.activeModel,
                target: "#supervisor.idle",
                actions: { type: "fail", params: ({ event }) => ({ error: (event as FailedEvent).error }) },
              },
            ],
          },
        },
        deciding: {
          invoke: {
            src: "evaluatePolicy",
            input: ({ context }) => ({ policy: context.policy, context: policyContext(context) }),
            onDone: { target: "ruling", actions: assign(({ context, event }) => ({ verdict: verdictFor(context, event.output) })) },
            onError: {
              target: "#supervisor.idle",
              actions: { type: "fail", params: ({ event }) => ({ error: toErrorData(event.error, "POLICY_ERROR") }) },
            },
          },
        },
        ruling: {
          always: [
            {
              guard: ({ context }) => context.verdict?.kind === "grant",
              target: "working",
              actions: enqueueActions(({ context, enqueue }) => {
                const verdict = context.verdict as Extract<StepVerdict, { kind: "grant" }>;
                const run = context.run!;
                enqueue.assign({
                  run: { ...run, granted: run.granted + 1, maxSteps: verdict.maxSteps },
                  note: undefined,
                  verdict: undefined,
                });
                enqueue.emit({
                  type: "step.started",
                  runId: run.runId,
                  teamId: context.teamId,
                  model: context.activeModel,
                  step: verdict.grant.step,
                });
                enqueue.sendTo(context.agents[context.activeModel]!, verdict.grant);
              }),
            },
            {
              guard: ({ context }) => context.verdict?.kind === "move",
              target: "working",
              actions: [
                enqueueActions(({ context, enqueue }) => {
                  const verdict = context.verdict as Extract<StepVerdict, { kind: "move" }>;
                  enqueue.assign({ run: { ...context.run!, maxSteps: verdict.maxSteps } });
                  enqueue.sendTo(context.agents[context.activeModel]!, { type: "STEP.DENY", reason: `moved to ${verdict.to} by policy` });
                }),
                {
                  type: "transfer",
                  params: ({ context }) => ({
                    from: context.activeModel,
                    to: (context.verdict as Extract<StepVerdict, { kind: "move" }>).to,
                    reason: "policy",
                    task: "",
                    by: "policy" as const,
                  }),
                },
              ],
            },
            {
              guard: ({ context }) => context.verdict?.kind === "stop",
              target: "#supervisor.idle",
              actions: [
                "denyActive",
                {
                  type: "finish",
                  params: ({ context }) => ({ status: "stopped" as const, reason: (context.verdict as { reason: string }).reason }),
                },
              ],
            },
            {
              guard: ({ context }) => context.verdict?.kind === "limit",
              target: "#supervisor.idle",
              actions: [
                "denyActive",
                {
                  type: "finish",
                  params: ({ context }) => ({ status: "max_steps" as const, reason: (context.verdict as { reason: string }).reason }),
                },
              ],
            },
            {
              target: "#supervisor.idle",
              actions: [
                "denyActive",
                { type: "fail", params: ({ context }) => ({ error: toErrorData((context.verdict as { error: BatonError }).error) }) },
              ],
            },
          ],
        },
        /** The active model failed for good; a policy (e.g. fallback) may move the task. */
        recovering: {
          invoke: {
            src: "evaluatePolicy",
            input: ({ context }) => ({ policy: context.policy, context: policyContext(context) }),
            onDone: [
              {
                guard: ({ context, event }) =>
                  typeof event.output?.model === "string" &&
                  event.output.model !== context.activeModel &&
                  context.models.some((m) => m.id === event.output?.model),
                target: "working",
                actions: {
                  type: "transfer",
                  params: ({ context, event }) => ({
                    from: context.activeModel,
                    to: event.output!.model!,
                    reason: `fallback after: ${context.failure?.message ?? "failure"}`,
                    task: "",
                    by: "fallback" as const,
                  }),
                },
              },
              { target: "#supervisor.idle", actions: { type: "fail", params: ({ context }) => ({ error: context.failure! }) } },
            ],
            onError: {
              target: "#supervisor.idle",
              actions: { type: "fail", params: ({ event }) => ({ error: toErrorData(event.error, "POLICY_ERROR") }) },
            },
          },
        },
      },
    },
  },
});

/** The model an agent event comes from. */
function senderOf(event: SupervisorEvent): string | undefined {
  if ("model" in event) return event.model;
  if (event.type === "HANDOFF") return event.from;
  return undefined;
}

function isDelegate(context: SupervisorContext, model: string): boolean {
  return model in context.delegations;
}

function verdictFor(context: SupervisorContext, decision: PolicyDecision | undefined): StepVerdict {
  const run = context.run!;
  return decideStep({
    decision,
    model: modelRef(context, context.activeModel),
    models: context.models,
    step: run.granted + 1,
    stepsUsed: run.granted,
    maxSteps: run.maxSteps,
    instructions: context.instructions,
    handoffNote: context.note,
    tools: context.tools,
  });
}

export type { ToolResultEvent };
