/**
 * One team's supervisor (`team:<id>`): owns the transcript, the counts and the limits, grants
 * every model call, and forwards the task on a handoff by sending TASK to the target agent.
 * The actions and guards are in setup.ts; what they do is built by the pure functions beside it.
 */
import { and } from "xstate";
import { peersOf } from "../../src/tools/handoffTools.js";
import type { EveryKeyOf } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import type { SupervisorConfig, SupervisorContext } from "./context.js";
import { supervisorSetup } from "./setup.js";

export const supervisorMachine = supervisorSetup.createMachine({
  id: "supervisor",
  context: ({ input, spawn }) => {
    for (const agent of input.agents) {
      spawn("agent", {
        id: agent.name,
        systemId: address.agent(input.teamId, agent.name),
        input: {
          teamId: input.teamId,
          name: agent.name,
          model: agent.model,
          peers: peersOf(input, agent.name),
          handoffMode: input.handoffMode,
          providerService: agent.providerService,
          retry: input.retry,
          stream: input.stream,
          samplingModel: input.samplingModel,
          toolTimeoutMs: input.toolTimeoutMs,
          strictSettings: input.strictSettings,
        },
      });
    }
    // Field by field, then cloned once: V8 keeps the copies XState makes on each assign fast.
    const config = {
      teamId: input.teamId,
      agents: input.agents,
      start: input.start,
      instructions: input.instructions,
      policy: input.policy,
      policyFunction: input.policyFunction,
      maxSteps: input.maxSteps,
      maxHandoffs: input.maxHandoffs,
      handoffMode: input.handoffMode,
      outputRetries: input.outputRetries,
      stream: input.stream,
      retry: input.retry,
      toolTimeoutMs: input.toolTimeoutMs,
      samplingModel: input.samplingModel,
      strictSettings: input.strictSettings,
      answers: input.answers,
    } satisfies EveryKeyOf<SupervisorConfig>;
    const context = {
      config,
      transcript: [...(input.transcript ?? [])],
      active: input.active ?? input.start,
      run: undefined,
      note: undefined,
      askId: 0,
      transfer: undefined,
      failure: undefined,
      delegations: {},
      queued: [],
      oneOff: false,
      held: undefined,
    } satisfies EveryKeyOf<SupervisorContext>;
    return { ...context };
  },
  initial: "idle",
  states: {
    idle: {
      on: {
        RUN: [
          { guard: "isResume", target: "running", actions: "resumeRun" },
          { target: "running", actions: "startRun" },
        ],
      },
    },
    running: {
      initial: "working",
      on: {
        CANCEL: { target: "idle", actions: "fail" },
        "RUN.ABORT": { target: "idle", actions: "fail" },
        DELEGATE: { actions: "startDelegation" },
        "STEP.ANSWERED": { guard: "fromActive", actions: "recordAnswer" },
        "CHECKPOINT.COMMITTED": { actions: "forwardCommit" },
        "STEP.DONE": { actions: "recordStepAndGoOn" },
        // Delegates, in every state: the agent holding the task may be waiting on them.
        "STEP.REQUEST": [{ guard: "fromDelegate", actions: "grantDelegate" }, { actions: "denyNotYourTurn" }],
        FINAL: { guard: "fromDelegate", actions: "answerDelegation" },
        FAILED: { guard: "fromDelegate", actions: "answerDelegation" },
      },
      states: {
        working: {
          on: {
            "STEP.REQUEST": [
              { guard: "fromDelegate", actions: "grantDelegate" },
              { guard: and(["fromActive", "policyFunction"]), target: "deciding", actions: "askPolicy" },
              // No policy function: the verdict is ruled at once (the same table `deciding` uses).
              { guard: and(["fromActive", { type: "plainVerdictIs", params: { kind: "grant" as const } }]), actions: "grantPlain" },
              {
                guard: and(["fromActive", { type: "plainVerdictIs", params: { kind: "move" as const } }]),
                target: "transferring",
                actions: "moveByPolicy",
              },
              { guard: "fromActive", target: "#supervisor.idle", actions: "endByVerdict" },
              { actions: "denyNotYourTurn" },
            ],
            HANDOFF: { guard: "fromActive", target: "transferring", actions: "handOff" },
            "STEP.INTERRUPT": { guard: "fromActive", target: "#supervisor.idle", actions: "interrupt" },
            FINAL: [
              { guard: "fromDelegate", actions: "answerDelegation" },
              { guard: and(["fromActive", "outputChecked"]), target: "checkingOutput", actions: "checkOutput" },
              { guard: "fromActive", target: "#supervisor.idle", actions: "finishCompleted" },
            ],
            FAILED: [
              { guard: "fromDelegate", actions: "answerDelegation" },
              { guard: and(["fromActive", "policyFunction"]), target: "recovering", actions: "askFallback" },
              { guard: "fromActive", target: "#supervisor.idle", actions: "fail" },
            ],
          },
        },
        /** The policy function decides on the active agent's request. */
        deciding: {
          on: {
            "POLICY.ANSWER": [
              { guard: and(["currentAsk", "answerFailed"]), target: "#supervisor.idle", actions: "fail" },
              {
                guard: and(["currentAsk", { type: "answerIs", params: { kind: "grant" as const } }]),
                target: "working",
                actions: "grantAnswered",
              },
              {
                guard: and(["currentAsk", { type: "answerIs", params: { kind: "move" as const } }]),
                target: "transferring",
                actions: "moveByPolicy",
              },
              { guard: "currentAsk", target: "#supervisor.idle", actions: "endByVerdict" },
            ],
          },
        },
        /** A move is decided: it counts toward maxHandoffs, then the receiver gets the task. */
        transferring: {
          always: [
            { guard: "handoffLimitReached", target: "#supervisor.idle", actions: "endAtHandoffLimit" },
            { guard: "receiverFiltered", target: "filtering", actions: "makeTransfer" },
            { target: "working", actions: "makeTransfer" },
          ],
        },
        /** The receiver's handoff filter decides what it sees. */
        filtering: {
          on: {
            "FILTER.ANSWER": [
              { guard: and(["currentAsk", "filterFailed"]), target: "#supervisor.idle", actions: "fail" },
              { guard: "currentAsk", target: "working", actions: "sendFilteredTask" },
            ],
          },
        },
        /** The final answer is checked against the output schema. */
        checkingOutput: {
          on: {
            "OUTPUT.ANSWER": [
              { guard: and(["currentAsk", "outputOk"]), target: "#supervisor.idle", actions: "finishWithOutput" },
              { guard: and(["currentAsk", "repairsLeft"]), target: "working", actions: "repairOutput" },
              { guard: "currentAsk", target: "#supervisor.idle", actions: "failOutput" },
            ],
          },
        },
        /** The active agent failed for good; a policy (e.g. fallback) may move the task. */
        recovering: {
          on: {
            "POLICY.ANSWER": [
              { guard: and(["currentAsk", "answerFailed"]), target: "#supervisor.idle", actions: "fail" },
              { guard: and(["currentAsk", "fallbackOffGraph"]), target: "#supervisor.idle", actions: "failOffGraph" },
              { guard: and(["currentAsk", "fallbackMoves"]), target: "transferring", actions: "fallBack" },
              { guard: "currentAsk", target: "#supervisor.idle", actions: "failWithFailure" },
            ],
          },
        },
      },
    },
  },
});
