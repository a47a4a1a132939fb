import { type AnyActorRef, and, assign, enqueueActions, sendParent, setup } from "xstate";
import { assembleStep, type CallOutcome, type CallPlan, modelRequest, planToolCalls, stopReasonError } from "../../src/agent/step.js";
import { BatonError, type ErrorData, toErrorData } from "../../src/errors.js";
import type { ModelRef } from "../../src/models/modelRef.js";
import type {
  CancelEvent,
  FailedEvent,
  ProviderAnswerEvent,
  ProviderCallEvent,
  StepDenyEvent,
  StepDoneEvent,
  StepGrantEvent,
  TaskEvent,
  ToolCallEvent,
  ToolResultEvent,
} from "../../src/protocol.js";
import type { ModelResponse, ToolSpec, Usage } from "../../src/providers/types.js";
import { type HandoffMode, type HandoffTarget, handoffTools } from "../../src/tools/handoffTools.js";
import type { Message } from "../../src/transcript/index.js";
import { type EveryKeyOf, extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";

export interface RetryOptions {
  /** Further attempts after a retryable failure (429, 5xx, connection). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface AgentInput {
  teamId: string;
  model: ModelRef;
  models: readonly ModelRef[];
  handoffMode: HandoffMode;
  /** systemId of the provider service that makes this model's calls (`provider:<name>`). */
  providerService: string;
  retry: RetryOptions;
  /**
   * Report progress (text deltas, tool calls and results) to the supervisor, which turns it into
   * events: runner.stream and teams. runner.run has no listener, so it skips that traffic.
   */
  stream: boolean;
  /** Model that answers MCP sampling requests made during this agent's tool calls. */
  samplingModel: string;
  toolTimeoutMs?: number;
}

/** What an agent is spawned with, plus its handoff tools: fixed for the team's life. */
export interface AgentConfig extends AgentInput {
  handoffTargets: ReadonlyMap<string, HandoffTarget>;
  /** The handoff tools this model is offered. */
  handoffSpecs: readonly ToolSpec[];
}

/**
 * The fixed part sits in one nested object: XState copies the whole context on every assign,
 * so fewer top-level fields make every step cheaper.
 */
export interface AgentContext {
  config: AgentConfig;
  runId: string;
  /** Working on a delegated subtask: no handoff or delegation tools. */
  delegated: boolean;
  /** What this model has seen: the transcript as of its last task plus its own steps. */
  transcript: readonly Message[];
  grant: StepGrantEvent | undefined;
  response: ModelResponse | undefined;
  stepStartedAt: number;
  attempt: number;
  retryDelayMs: number;
  lastError: ErrorData | undefined;
  plans: CallPlan[];
  /** Tool calls waiting for a result, by correlation id. */
  pending: Record<string, { callId: string; service: string | undefined }>;
  outcomes: Record<string, CallOutcome>;
  callSeq: number;
  /** Lifetime usage of this model in its team. */
  usage: Usage;
  calls: number;
}

type AgentEvent = TaskEvent | CancelEvent | StepGrantEvent | StepDenyEvent | ToolResultEvent | ProviderAnswerEvent;

/**
 * The id of the agent's current (or last) model call: run, model, step and attempt. Unique
 * across teams (the provider service is shared) and recomputed, not stored: one assign less a call.
 */
const callIdOf = (context: AgentContext) => `${context.runId}:${context.config.model.id}:${context.grant?.step ?? 0}:${context.attempt}`;

const allAnswered = ({ context }: { context: AgentContext }) => Object.keys(context.pending).length === 0;

/**
 * One model of a team (`model:<team>:<model>`), alive as long as its team. Runs one step at
 * a time: ask the supervisor for a grant, call the provider (retrying with backoff), run the
 * tool calls, report the step, then hand off, answer, or ask for the next step.
 */
export const agentMachine = setup({
  types: {
    input: {} as AgentInput,
    context: {} as AgentContext,
    events: {} as AgentEvent,
  },
  delays: { backoff: ({ context }) => context.retryDelayMs },
  actions: {
    dispatchToolCalls: enqueueActions(({ context, enqueue, system }) => {
      const response = context.response!;
      const plans = planToolCalls(
        response.toolCalls,
        context.grant?.tools ?? [],
        context.delegated ? new Map() : context.config.handoffTargets,
      );
      const step = context.grant?.step ?? 0;
      const pending: AgentContext["pending"] = {};
      const outcomes: Record<string, CallOutcome> = {};
      let seq = context.callSeq;
      for (const plan of plans) {
        const { call } = plan;
        if (plan.kind === "transfer") continue;
        if (context.config.stream) {
          enqueue.sendParent({
            type: "AGENT.TOOL_CALLED",
            model: context.config.model.id,
            step,
            callId: call.id,
            name: call.name,
            args: call.args,
          });
        }
        if (plan.kind === "error") {
          outcomes[call.id] = { content: plan.content, isError: true, ms: 0 };
          if (context.config.stream)
            enqueue.sendParent({
              type: "AGENT.TOOL_RESULT",
              model: context.config.model.id,
              step,
              callId: call.id,
              name: call.name,
              content: plan.content,
              isError: true,
              ms: 0,
            });
          continue;
        }
        const correlationId = `${context.config.teamId}:${context.config.model.id}#${++seq}`; // unique across teams: services are shared
        if (plan.kind === "delegate") {
          pending[correlationId] = { callId: call.id, service: undefined };
          enqueue.sendParent({
            type: "DELEGATE",
            callId: correlationId,
            from: context.config.model.id,
            to: plan.to,
            task: plan.task,
            step,
          });
          continue;
        }
        const service: AnyActorRef | undefined = system.get(plan.entry.service);
        if (!service) {
          const content = `Error: the service for ${call.name} (${plan.entry.service}) is not running.`;
          outcomes[call.id] = { content, isError: true, ms: 0 };
          continue;
        }
        pending[correlationId] = { callId: call.id, service: plan.entry.service };
        const message: ToolCallEvent = {
          type: "TOOL.CALL",
          callId: correlationId,
          name: plan.entry.remoteName,
          args: call.args,
          replyTo: address.agent(context.config.teamId, context.config.model.id),
          agent: context.config.model.id,
          model: context.config.model.id,
          runId: context.runId,
          idempotencyKey: `${context.runId}:${call.id}`,
          samplingModel: context.config.samplingModel,
          ...(context.config.toolTimeoutMs === undefined ? {} : { timeoutMs: context.config.toolTimeoutMs }),
        };
        enqueue.sendTo(service, message);
      }
      enqueue.assign({ plans, pending, outcomes, callSeq: seq });
    }),
    cancelPendingCalls: enqueueActions(({ context, enqueue, system }) => {
      for (const [correlationId, pending] of Object.entries(context.pending)) {
        const service: AnyActorRef | undefined = pending.service ? system.get(pending.service) : undefined;
        if (service) enqueue.sendTo(service, { type: "TOOL.CANCEL", callId: correlationId });
        else if (!pending.service) enqueue.sendParent({ type: "DELEGATE.CANCEL", callId: correlationId });
      }
      enqueue.assign({ pending: {}, plans: [], response: undefined });
    }),
    reportStep: enqueueActions(({ context, enqueue }) => {
      const response = context.response!;
      const step = context.grant?.step ?? 0;
      const outcomes = new Map(Object.entries(context.outcomes));
      const { messages, record } = assembleStep(
        step,
        context.config.model,
        response,
        context.plans,
        outcomes,
        performance.now() - context.stepStartedAt,
      );
      const done: StepDoneEvent = { type: "STEP.DONE", model: context.config.model.id, step: record, messages };
      enqueue.sendParent(done);
      enqueue.assign({ transcript: [...context.transcript, ...messages], plans: context.plans, outcomes: {} });
    }),
    reportHandoff: enqueueActions(({ context, enqueue }) => {
      const transfer = context.plans.find((p) => p.kind === "transfer");
      if (transfer?.kind !== "transfer") return;
      enqueue.sendParent({ type: "HANDOFF", from: context.config.model.id, to: transfer.to, reason: transfer.reason, task: transfer.task });
      enqueue.assign({ plans: [] });
    }),
    // A cancel while no call is in flight aborts nothing: the service forgot the id when it answered.
    abortModelCall: ({ context, system }) => {
      system.get(context.config.providerService)?.send({ type: "CALL.ABORT", callId: callIdOf(context) });
    },
    storeResponse: assign(({ context, event }) => {
      const output = (event as Extract<ProviderAnswerEvent, { type: "CALL.DONE" }>).output;
      return {
        response: output,
        calls: context.calls + 1,
        usage: {
          inputTokens: context.usage.inputTokens + output.usage.inputTokens,
          outputTokens: context.usage.outputTokens + output.usage.outputTokens,
        },
      };
    }),
    /** The answer is unusable (empty at the token limit, or filtered): the step fails, not retried. */
    failOnStopReason: sendParent(
      ({ context }): FailedEvent => ({
        type: "FAILED",
        model: context.config.model.id,
        error: toErrorData(stopReasonError(context.config.model, context.response?.stopReason === "length" ? "length" : "content_filter")),
      }),
    ),
    reportFinal: sendParent(({ context }) => ({ type: "FINAL", model: context.config.model.id, output: context.response?.text ?? "" })),
  },
  guards: {
    /** The answer is to the call in flight, not to one a cancel left behind. */
    currentCall: ({ context, event }) => "callId" in event && event.callId === callIdOf(context),
    retryable: ({ context }) => {
      const details = context.lastError?.details as { retryable?: boolean } | undefined;
      return details?.retryable === true && context.attempt < context.config.retry.maxRetries;
    },
    answerHasToolCalls: ({ event }) => event.type === "CALL.DONE" && event.output.toolCalls.length > 0,
    answerEmptyBecauseLength: ({ event }) => event.type === "CALL.DONE" && event.output.stopReason === "length" && !event.output.text,
    answerFiltered: ({ event }) => event.type === "CALL.DONE" && event.output.stopReason === "content_filter",
    allAnswered,
    handingOff: ({ context }) => context.plans.some((p) => p.kind === "transfer"),
  },
}).createMachine({
  id: "agent",
  context: ({ input }) => {
    const handoffs = handoffTools(input.models, input.model.id, input.handoffMode);
    // Built field by field, then cloned once. V8 (Node 20) builds `{ ...input, more }` on a slow
    // path (~1 µs per property after the spread), and XState copies the context on every assign:
    // those copies stay in fast mode only for an object made by a spread, so the clone.
    const context = {
      config: {
        teamId: input.teamId,
        model: input.model,
        models: input.models,
        handoffMode: input.handoffMode,
        providerService: input.providerService,
        retry: input.retry,
        stream: input.stream,
        samplingModel: input.samplingModel,
        toolTimeoutMs: input.toolTimeoutMs,
        handoffTargets: handoffs.targets,
        handoffSpecs: handoffs.specs,
      } satisfies EveryKeyOf<AgentConfig>,
      runId: "",
      delegated: false,
      transcript: [],
      grant: undefined,
      response: undefined,
      stepStartedAt: 0,
      attempt: 0,
      retryDelayMs: 0,
      lastError: undefined,
      plans: [],
      pending: {},
      outcomes: {},
      callSeq: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      calls: 0,
    } satisfies EveryKeyOf<AgentContext>;
    return { ...context };
  },
  initial: "idle",
  on: {
    CANCEL: { target: ".idle", actions: ["cancelPendingCalls", "abortModelCall"] },
  },
  states: {
    idle: {
      // Every TASK brings the transcript again: an idle agent holds none (nor its last answer).
      entry: assign({ transcript: [], response: undefined }),
      on: {
        TASK: {
          target: "requesting",
          actions: assign(({ event }) => ({ runId: event.runId, transcript: event.transcript, delegated: event.delegated === true })),
        },
      },
    },
    requesting: {
      entry: sendParent(({ context }) => ({ type: "STEP.REQUEST", model: context.config.model.id })),
      on: {
        "STEP.GRANT": {
          target: "calling",
          actions: assign(({ event }) => ({
            grant: event,
            attempt: 0,
            stepStartedAt: performance.now(),
            plans: [],
            outcomes: {},
            pending: {},
          })),
        },
        "STEP.DENY": { target: "idle" },
      },
    },
    calling: {
      // A plain action (nothing to assign): cheaper for XState than enqueueActions.
      entry: ({ context, self, system }) => {
        const grant = context.grant!;
        const { model } = context.config;
        const tools = context.delegated
          ? grant.tools.map((t) => t.spec)
          : [...grant.tools.map((t) => t.spec), ...context.config.handoffSpecs];
        const request = modelRequest(model, grant, context.transcript, tools, context.config.teamId);
        const { teamId } = context.config;
        const call: ProviderCallEvent = { type: "CALL", callId: callIdOf(context), replyTo: address.agent(teamId, model.id), request };
        if (context.config.stream) {
          call.deltas = {
            channel: address.events(teamId),
            runId: context.runId,
            teamId,
            agent: model.id,
            model: model.id,
            step: grant.step,
          };
        }
        const service: AnyActorRef | undefined = system.get(context.config.providerService);
        if (service) service.send(call);
        else {
          const error = toErrorData(new BatonError("INTERNAL", `The provider service ${context.config.providerService} is not running.`));
          self.send({ type: "CALL.FAILED", callId: call.callId, error, startedAt: 0, at: 0 });
        }
      },
      on: {
        // Decided on the answer itself, not in a state after it: one microstep less per step.
        "CALL.DONE": [
          { guard: and(["currentCall", "answerHasToolCalls"]), target: "runningTools", actions: "storeResponse" },
          { guard: and(["currentCall", "answerEmptyBecauseLength"]), target: "idle", actions: ["storeResponse", "failOnStopReason"] },
          { guard: and(["currentCall", "answerFiltered"]), target: "idle", actions: ["storeResponse", "failOnStopReason"] },
          { guard: "currentCall", target: "idle", actions: ["storeResponse", "reportStep", "reportFinal"] },
        ],
        "CALL.FAILED": {
          guard: "currentCall",
          target: "failedCall",
          actions: assign(({ event }) => ({ lastError: event.error })),
        },
      },
    },
    failedCall: {
      always: [
        {
          guard: "retryable",
          target: "backoff",
          actions: [
            assign(({ context }) => {
              const details = context.lastError?.details as { retryAfterMs?: number } | undefined;
              const exp = Math.min(context.config.retry.maxDelayMs, context.config.retry.baseDelayMs * 2 ** context.attempt);
              return { retryDelayMs: details?.retryAfterMs ?? exp, attempt: context.attempt + 1 };
            }),
            sendParent(({ context }) => ({
              type: "AGENT.RETRY",
              model: context.config.model.id,
              step: context.grant?.step ?? 0,
              attempt: context.attempt,
              delayMs: context.retryDelayMs,
              error: context.lastError!,
            })),
          ],
        },
        {
          target: "idle",
          actions: sendParent(
            ({ context }): FailedEvent => ({ type: "FAILED", model: context.config.model.id, error: context.lastError! }),
          ),
        },
      ],
    },
    backoff: {
      after: { backoff: "calling" },
    },
    runningTools: {
      entry: "dispatchToolCalls",
      always: [
        { guard: and(["allAnswered", "handingOff"]), target: "idle", actions: ["reportStep", "reportHandoff"] },
        { guard: "allAnswered", target: "requesting", actions: "reportStep" },
      ],
      on: {
        "TOOL.RESULT": {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const pending = context.pending[event.callId];
            if (!pending) return; // a late answer to a cancelled call
            const { [event.callId]: _, ...rest } = context.pending;
            enqueue.assign({
              pending: rest,
              outcomes: extend(context.outcomes, { [pending.callId]: { content: event.content, isError: event.isError, ms: event.ms } }),
            });
            if (!context.config.stream) return;
            const plan = context.plans.find((p) => p.call.id === pending.callId);
            enqueue.sendParent({
              type: "AGENT.TOOL_RESULT",
              model: context.config.model.id,
              step: context.grant?.step ?? 0,
              callId: pending.callId,
              name: plan?.call.name ?? "",
              content: event.content,
              isError: event.isError,
              ms: event.ms,
            });
          }),
        },
      },
    },
  },
});
