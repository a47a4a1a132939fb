import { and, assign, enqueueActions } from "xstate";
import { toErrorData } from "../../src/errors.js";
import type { StepVerdict } from "../../src/policies/decide.js";
import type { FailedEvent, FinalEvent, HandoffEvent } from "../../src/protocol.js";
import { newRunState, recordFailure, recordStep } from "../../src/team/runState.js";
import { repairTranscript, userMessage } from "../../src/transcript/index.js";
import type { EveryKeyOf } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import {
  isDelegate,
  modelRef,
  policyContext,
  type RunAbortEvent,
  type SupervisorConfig,
  type SupervisorContext,
  supervisorSetup,
  verdictFor,
} from "./setup.js";

export type { HandoffFilter, RunRequest, SupervisorInput } from "./setup.js";

/** Parameters of the branches that act on a step verdict (stored in `context.verdict`). */
const moved = ({ context }: { context: SupervisorContext }) => ({
  from: context.activeModel,
  to: (context.verdict as Extract<StepVerdict, { kind: "move" }>).to,
  reason: "policy",
  task: "",
  by: "policy" as const,
});
const stopped = ({ context }: { context: SupervisorContext }) => ({
  status: "stopped" as const,
  reason: (context.verdict as { reason: string }).reason,
});
const limited = ({ context }: { context: SupervisorContext }) => ({
  status: "max_steps" as const,
  reason: (context.verdict as { reason: string }).reason,
});
const refused = ({ context }: { context: SupervisorContext }) => ({
  error: toErrorData((context.verdict as Extract<StepVerdict, { kind: "error" }>).error),
});

/**
 * One team's supervisor (`team:<id>`): owns the transcript, the counts and the limits, grants
 * every model call, and forwards the task on a handoff by sending TASK to the target agent.
 */
export const supervisorMachine = supervisorSetup.createMachine({
  id: "supervisor",
  context: ({ input, spawn }) => {
    const agents: SupervisorContext["agents"] = {};
    spawn("toolService", {
      id: "tools",
      systemId: `tools:${input.teamId}`,
      input: { tools: input.localTools, executor: input.toolExecutor },
    });
    for (const model of input.models) {
      agents[model.id] = spawn("agent", {
        id: model.id,
        systemId: address.agent(input.teamId, model.id),
        input: {
          teamId: input.teamId,
          model,
          models: input.models,
          handoffMode: input.handoffMode,
          providerService: input.providerServices[model.id]!,
          retry: input.retry,
          stream: input.stream,
          samplingModel: input.samplingModel,
          toolTimeoutMs: input.toolTimeoutMs,
        },
      });
    }
    // Field by field, then cloned once: see the agent's context.
    const context = {
      config: {
        teamId: input.teamId,
        models: input.models,
        tools: input.tools,
        mcpServers: input.mcpServers,
        instructions: input.instructions,
        policy: input.policy,
        maxSteps: input.maxSteps,
        maxHandoffs: input.maxHandoffs,
        handoffMode: input.handoffMode,
        handoffFilter: input.handoffFilter,
        retry: input.retry,
        stream: input.stream,
        samplingModel: input.samplingModel,
        toolTimeoutMs: input.toolTimeoutMs,
      } satisfies EveryKeyOf<SupervisorConfig>,
      transcript: [...(input.transcript ?? [])],
      activeModel: input.activeModel ?? input.models[0]!.id,
      agents,
      run: undefined,
      note: undefined,
      verdict: undefined,
      failure: undefined,
      delegations: {},
      oneOff: false,
    } satisfies EveryKeyOf<SupervisorContext>;
    return { ...context };
  },
  initial: "idle",
  states: {
    idle: {
      on: {
        RUN: {
          target: "running",
          actions: enqueueActions(({ context, event, enqueue }) => {
            const run = newRunState(
              event.runId,
              event.input,
              event.maxSteps ?? context.config.maxSteps,
              event.maxHandoffs ?? context.config.maxHandoffs,
            );
            const earlier = event.fresh ? [] : context.transcript;
            const activeModel = event.fresh ? context.config.models[0]!.id : context.activeModel;
            const transcript = [...earlier, ...(event.messages ?? []), userMessage(event.input)];
            enqueue.assign({ run, transcript, activeModel, note: undefined, oneOff: event.fresh === true });
            enqueue.emit({
              type: "run.started",
              runId: run.runId,
              teamId: context.config.teamId,
              input: event.input,
              models: context.config.models.map((m) => m.id),
              model: activeModel,
            });
            const receiver = modelRef(context, activeModel);
            enqueue.sendTo(context.agents[activeModel]!, {
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
              teamId: context.config.teamId,
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
              // No policy function to call: rule at once, without a promise actor or a state per step
              // (the same branches as `ruling`).
              {
                guard: and(["fromActive", "noPolicyFunction", { type: "plainVerdictIs", params: { kind: "grant" as const } }]),
                target: "working",
                actions: "grantPlainStep",
              },
              {
                guard: and(["fromActive", "noPolicyFunction", { type: "plainVerdictIs", params: { kind: "move" as const } }]),
                target: "working",
                actions: ["storePlainVerdict", "denyMoved", { type: "transfer", params: moved }],
              },
              {
                guard: and(["fromActive", "noPolicyFunction", { type: "plainVerdictIs", params: { kind: "stop" as const } }]),
                target: "#supervisor.idle",
                actions: ["storePlainVerdict", "denyActive", { type: "finish", params: stopped }],
              },
              {
                guard: and(["fromActive", "noPolicyFunction", { type: "plainVerdictIs", params: { kind: "limit" as const } }]),
                target: "#supervisor.idle",
                actions: ["storePlainVerdict", "denyActive", { type: "finish", params: limited }],
              },
              {
                guard: and(["fromActive", "noPolicyFunction"]),
                target: "#supervisor.idle",
                actions: ["storePlainVerdict", "denyActive", { type: "fail", params: refused }],
              },
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
                guard: ({ context, event }) => event.model === context.activeModel && context.config.policy !== undefined,
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
            input: ({ context }) => ({ policy: context.config.policy, context: policyContext(context) }),
            onDone: { target: "ruling", actions: assign(({ context, event }) => ({ verdict: verdictFor(context, event.output) })) },
            onError: {
              target: "#supervisor.idle",
              actions: { type: "fail", params: ({ event }) => ({ error: toErrorData(event.error, "POLICY_ERROR") }) },
            },
          },
        },
        ruling: {
          always: [
            { guard: { type: "verdictIs", params: { kind: "grant" } }, target: "working", actions: "grantStep" },
            {
              guard: { type: "verdictIs", params: { kind: "move" } },
              target: "working",
              actions: ["denyMoved", { type: "transfer", params: moved }],
            },
            {
              guard: { type: "verdictIs", params: { kind: "stop" } },
              target: "#supervisor.idle",
              actions: ["denyActive", { type: "finish", params: stopped }],
            },
            {
              guard: { type: "verdictIs", params: { kind: "limit" } },
              target: "#supervisor.idle",
              actions: ["denyActive", { type: "finish", params: limited }],
            },
            { target: "#supervisor.idle", actions: ["denyActive", { type: "fail", params: refused }] },
          ],
        },
        /** The active model failed for good; a policy (e.g. fallback) may move the task. */
        recovering: {
          invoke: {
            src: "evaluatePolicy",
            input: ({ context }) => ({ policy: context.config.policy, context: policyContext(context) }),
            onDone: [
              {
                guard: ({ context, event }) =>
                  typeof event.output?.model === "string" &&
                  event.output.model !== context.activeModel &&
                  context.config.models.some((m) => m.id === event.output?.model),
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
