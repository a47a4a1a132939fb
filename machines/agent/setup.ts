/** The agent machine's actions and guards (the chart is in agent.ts). */
import { type AnyActorRef, assign, enqueueActions, sendParent, setup } from "xstate";
import { prepareRequest } from "../../src/agent/request.js";
import { retryDecision } from "../../src/agent/retry.js";
import { stopReasonError } from "../../src/agent/step.js";
import { toolCallIds, uniqueToolCalls } from "../../src/agent/toolCallIds.js";
import { dispatchToolCalls, planToolCalls } from "../../src/agent/toolPlan.js";
import { BatonError, type ErrorData, toErrorData } from "../../src/errors.js";
import { extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import { actorAt } from "../deliver.js";
import type { ProviderAnswerEvent, ProviderCallEvent } from "../providers/protocol.js";
import type {
  AgentCancelMessage,
  DenyMessage,
  FailedMessage,
  GrantMessage,
  ProgressMessage,
  StepCommittedMessage,
  StepReport,
  TaskMessage,
} from "../team/protocol.js";
import type { ToolCallEvent, ToolResultEvent } from "../tools/protocol.js";
import { type AgentContext, type AgentInput, callIdOf, stepOf } from "./context.js";
import { failedReport, pendingStep, requestInput, responseOf, settledOutcomes, stepReport, toolOrigin, withStep } from "./report.js";

type AgentEvent =
  | TaskMessage
  | GrantMessage
  | DenyMessage
  | AgentCancelMessage
  | StepCommittedMessage
  | ToolResultEvent
  | ProviderAnswerEvent;

const allAnswered = ({ context }: { context: AgentContext }) => Object.keys(context.pending).length === 0;

/** A fresh step: no answer, no calls, no attempts yet. */
const freshStep: Pick<
  AgentContext,
  "response" | "attempt" | "plans" | "outcomes" | "pending" | "waiting" | "stepStartedAt" | "answeredAt" | "lastError"
> = {
  response: undefined,
  attempt: 0,
  plans: [],
  outcomes: {},
  pending: {},
  waiting: [],
  stepStartedAt: 0,
  answeredAt: 0,
  lastError: undefined,
};

function progress(context: AgentContext, event: ProgressMessage["event"]): { to: string; message: ProgressMessage } {
  return { to: address.events(context.config.teamId), message: { type: "PROGRESS", event } };
}

function failed(context: AgentContext, error: ErrorData): FailedMessage {
  return { type: "FAILED", agent: context.config.name, done: failedReport(context, error), error, at: context.lastAt };
}

/** Ids a new answer's calls may not take: those the agent sees, and those a handoff filter hid from it. */
function usedToolCallIds(context: AgentContext): Set<string> {
  const used = toolCallIds(context.transcript);
  for (const id of context.reservedToolCallIds) used.add(id);
  return used;
}

export const agentSetup = setup({
  types: {
    input: {} as AgentInput,
    context: {} as AgentContext,
    events: {} as AgentEvent,
  },
  delays: { backoff: ({ context }) => context.retryDelayMs },
  actions: {
    takeTask: assign(({ context, event }) => {
      const e = event as TaskMessage;
      return {
        runId: e.runId,
        transcript: e.transcript,
        reservedToolCallIds: e.reservedToolCallIds ?? [],
        delegation: e.delegation,
        grant: e.grant,
        stepIndex: 0,
        lastAt: Math.max(context.lastAt, e.at),
        ...freshStep,
        resume: e.resume,
        // A resumed step starts from the answer that was written down.
        ...(e.resume ? { response: responseOf(e.resume.pending), stepStartedAt: e.at } : {}),
      };
    }),
    takeGrant: assign(({ event }) => ({ grant: (event as GrantMessage).grant, stepIndex: 0, ...freshStep })),
    requestStep: sendParent(({ context }) => ({ type: "STEP.REQUEST", agent: context.config.name, at: context.lastAt })),
    // A plain action (nothing to assign): cheaper for XState than enqueueActions.
    callModel: ({ context, system, self }) => {
      const { config } = context;
      const { request, refused } = prepareRequest(requestInput(context));
      if (refused) {
        self.send({ type: "CALL.FAILED", callId: callIdOf(context), error: refused, startedAt: context.lastAt, at: context.lastAt });
        return;
      }
      const call: ProviderCallEvent = { type: "CALL", callId: callIdOf(context), replyTo: config.self, request };
      if (config.stream) {
        call.deltas = {
          channel: address.events(config.teamId),
          runId: context.runId,
          teamId: config.teamId,
          agent: config.name,
          model: config.model.id,
          step: stepOf(context),
        };
      }
      const service = actorAt(system, config.providerService);
      if (service) service.send(call);
      else {
        const error = toErrorData(new BatonError("INTERNAL", `The provider service ${config.providerService} is not running.`));
        self.send({ type: "CALL.FAILED", callId: call.callId, error, startedAt: context.lastAt, at: context.lastAt });
      }
    },
    /** Keeps the answer, its tool call ids made unique in the transcript they join. */
    storeResponse: assign(({ context, event }) => {
      const answer = event as Extract<ProviderAnswerEvent, { type: "CALL.DONE" }>;
      const output = answer.output;
      const calls = output.toolCalls.length ? uniqueToolCalls(output.toolCalls, usedToolCallIds(context)) : output.toolCalls;
      return {
        response: calls === output.toolCalls ? output : extend(output, { toolCalls: calls }),
        stepStartedAt: context.stepStartedAt || answer.startedAt,
        answeredAt: answer.at,
        lastAt: answer.at,
      };
    }),
    storeFailure: assign(({ context, event }) => {
      const answer = event as Extract<ProviderAnswerEvent, { type: "CALL.FAILED" }>;
      return { lastError: answer.error, stepStartedAt: context.stepStartedAt || answer.startedAt, lastAt: answer.at };
    }),
    dispatchToolCalls: enqueueActions(({ context, enqueue, system }) => {
      const response = context.response!;
      const plans = planToolCalls(response.toolCalls, context.grant?.tools ?? [], context.delegation ? {} : context.config.handoffTargets);
      const step = stepOf(context);
      const { config } = context;
      const dispatch = dispatchToolCalls(plans, {
        teamId: config.teamId,
        agent: config.name,
        model: config.model.id,
        runId: context.runId,
        step,
        self: config.self,
        samplingModel: config.samplingModel,
        toolTimeoutMs: config.toolTimeoutMs,
        seq: context.callSeq,
        ...(context.resume ? { settled: settledOutcomes(context.resume), approved: new Set(context.resume.approved) } : {}),
      });
      // A call whose service is gone is answered at once (and announced with its result below).
      const sends: Array<[AnyActorRef, ToolCallEvent]> = [];
      for (const { to, event } of dispatch.calls) {
        const service = actorAt(system, to);
        if (service) sends.push([service, event]);
        else {
          const callId = dispatch.pending[event.callId]!.callId;
          delete dispatch.pending[event.callId];
          dispatch.outcomes[callId] = { content: `Error: the service for ${event.name} (${to}) is not running.`, isError: true, ms: 0 };
        }
      }
      const tag = { runId: context.runId, agent: config.name, model: config.model.id, step };
      const channel = config.stream ? actorAt(system, address.events(config.teamId)) : undefined;
      for (const plan of plans) {
        if (plan.kind === "transfer" || !channel) continue;
        const origin = toolOrigin(plan);
        const { message } = progress(context, {
          type: "tool.called",
          ...tag,
          callId: plan.call.id,
          name: plan.call.name,
          args: plan.call.args,
          ...origin,
        });
        enqueue.sendTo(channel, message);
        const immediate = dispatch.outcomes[plan.call.id];
        if (immediate) {
          const result = progress(context, {
            type: "tool.result",
            ...tag,
            callId: plan.call.id,
            name: plan.call.name,
            ...immediate,
            ...origin,
          });
          enqueue.sendTo(channel, result.message);
        }
      }
      for (const [service, event] of sends) enqueue.sendTo(service, event);
      for (const d of dispatch.delegations) {
        enqueue.sendParent({
          type: "DELEGATE",
          callId: d.callId,
          toolCallId: d.toolCallId,
          from: config.name,
          to: d.to,
          task: d.task,
          at: context.lastAt,
        });
      }
      enqueue.assign({ plans, pending: dispatch.pending, outcomes: dispatch.outcomes, callSeq: dispatch.seq, resume: undefined });
    }),
    storeToolResult: enqueueActions(({ context, event, enqueue, system }) => {
      const e = event as ToolResultEvent;
      const pending = context.pending[e.callId];
      if (!pending) return; // a late answer to a cancelled call
      const { [e.callId]: _, ...rest } = context.pending;
      const plan = context.plans.find((p) => p.call.id === pending.callId);
      if (e.needsApproval && !context.delegation && plan) {
        // Waits for a person: the step ends interrupted once the other calls are answered.
        const waiting = { id: plan.call.id, agent: context.config.name, tool: plan.call.name, args: plan.call.args };
        enqueue.assign({ pending: rest, waiting: [...context.waiting, waiting], lastAt: Math.max(context.lastAt, e.at) });
        return;
      }
      const content = e.needsApproval
        ? `Error: ${plan?.call.name ?? "this tool"} needs a person's approval, which a delegated subtask cannot wait for. Do without it or say so in your answer.`
        : e.content;
      const isError = e.needsApproval ? true : e.isError;
      enqueue.assign({
        pending: rest,
        outcomes: extend(context.outcomes, { [pending.callId]: { content, isError, ms: e.ms } }),
        lastAt: Math.max(context.lastAt, e.at),
      });
      const channel = context.config.stream ? actorAt(system, address.events(context.config.teamId)) : undefined;
      if (!channel) return;
      const { message } = progress(context, {
        type: "tool.result",
        runId: context.runId,
        agent: context.config.name,
        model: context.config.model.id,
        step: stepOf(context),
        callId: pending.callId,
        name: plan?.call.name ?? "",
        content,
        isError,
        ms: e.ms,
        ...toolOrigin(plan),
      });
      enqueue.sendTo(channel, message);
    }),
    /** The step is done and the grant covers more: report it and go on. */
    reportAndGoOn: enqueueActions(({ context, enqueue }) => {
      const done = stepReport(context);
      enqueue.sendParent({ type: "STEP.DONE", agent: context.config.name, done, at: context.lastAt });
      enqueue.assign({ transcript: withStep(context, done.messages), stepIndex: context.stepIndex + 1, ...freshStep });
    }),
    /** The step is done and the grant is used up: report it with the request for the next. */
    reportAndRequest: enqueueActions(({ context, enqueue }) => {
      const done: StepReport = stepReport(context);
      enqueue.sendParent({ type: "STEP.REQUEST", agent: context.config.name, done, at: context.lastAt });
      enqueue.assign({ transcript: withStep(context, done.messages), response: undefined, plans: [], outcomes: {} });
    }),
    reportHandoff: sendParent(({ context }) => {
      const transfer = context.plans.find((p) => p.kind === "transfer");
      const to = transfer?.kind === "transfer" ? transfer : { to: "", reason: "", task: "" };
      return {
        type: "HANDOFF",
        agent: context.config.name,
        done: stepReport(context),
        to: to.to,
        reason: to.reason,
        task: to.task,
        at: context.lastAt,
      };
    }),
    /** The answer is written down before its tools run (durable runs). */
    reportAnswer: sendParent(({ context }) => ({
      type: "STEP.ANSWERED",
      agent: context.config.name,
      pending: pendingStep(context),
      at: context.lastAt,
    })),
    reportInterrupt: sendParent(({ context }) => ({
      type: "STEP.INTERRUPT",
      agent: context.config.name,
      pending: pendingStep(context),
      at: context.lastAt,
    })),
    reportFinal: sendParent(({ context }) => ({
      type: "FINAL",
      agent: context.config.name,
      done: stepReport(context),
      output: context.response?.text ?? "",
      at: context.lastAt,
    })),
    /** The answer is unusable (empty at the token limit, or filtered): the step fails, not retried. */
    reportUnusable: sendParent(({ context }) =>
      failed(context, stopReasonError(context.config.model, context.response?.stopReason === "length" ? "length" : "content_filter")),
    ),
    reportFailed: sendParent(({ context }) => {
      const decision = retryDecision(context.lastError!, context.attempt, context.config.retry);
      return failed(context, decision.retry ? context.lastError! : decision.error);
    }),
    scheduleRetry: enqueueActions(({ context, enqueue, system }) => {
      const decision = retryDecision(context.lastError!, context.attempt, context.config.retry);
      if (!decision.retry) return;
      enqueue.assign({ retryDelayMs: decision.delayMs, attempt: context.attempt + 1 });
      const channel = context.config.stream ? actorAt(system, address.events(context.config.teamId)) : undefined;
      if (!channel) return;
      const { message } = progress(context, {
        type: "step.retry",
        runId: context.runId,
        agent: context.config.name,
        model: context.config.model.id,
        step: stepOf(context),
        attempt: context.attempt + 1,
        delayMs: decision.delayMs,
        error: context.lastError!,
      });
      enqueue.sendTo(channel, message);
    }),
    cancelPendingCalls: enqueueActions(({ context, enqueue, system }) => {
      for (const [correlationId, pending] of Object.entries(context.pending)) {
        const service = pending.service ? actorAt(system, pending.service) : undefined;
        if (service) enqueue.sendTo(service, { type: "TOOL.CANCEL", callId: correlationId });
      }
      enqueue.assign({ pending: {}, plans: [], response: undefined });
    }),
    // A cancel while no call is in flight aborts nothing: the service forgot the id when it answered.
    abortModelCall: ({ context, system }) => {
      actorAt(system, context.config.providerService)?.send({ type: "CALL.ABORT", callId: callIdOf(context) });
    },
  },
  guards: {
    hasGrant: ({ event }) => event.type === "TASK" && event.grant !== undefined,
    /** The answer is to the call in flight, not to one a cancel left behind. */
    currentCall: ({ context, event }) => "callId" in event && event.callId === callIdOf(context),
    retryable: ({ context }) => retryDecision(context.lastError!, context.attempt, context.config.retry).retry,
    answerHasToolCalls: ({ event }) => event.type === "CALL.DONE" && event.output.toolCalls.length > 0,
    answerUnusable: ({ event }) =>
      event.type === "CALL.DONE" &&
      ((event.output.stopReason === "length" && !event.output.text) || event.output.stopReason === "content_filter"),
    allAnswered,
    handingOff: ({ context }) => context.plans.some((p) => p.kind === "transfer"),
    grantCoversMore: ({ context }) => context.grant !== undefined && context.stepIndex + 1 < context.grant.steps,
    hasResume: ({ event }) => event.type === "TASK" && event.resume !== undefined,
    waitingForApproval: ({ context }) => context.waiting.length > 0,
    /** Answers go to the store before their tools run; `await`: and the agent waits to hear they are committed. */
    answersWritten: ({ context }) => context.grant?.checkpoint === "write" && context.delegation === undefined,
    answersAwaited: ({ context }) => context.grant?.checkpoint === "await" && context.delegation === undefined,
  },
});
