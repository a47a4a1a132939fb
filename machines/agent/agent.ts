/**
 * One agent of a team (`agent:<team>:<name>`), alive as long as its team. Runs one step at a
 * time under the supervisor's grant: call the provider (retrying with backoff), run the tool
 * calls, report the step; then go on under the grant, ask for the next one, hand off, or answer.
 * The actions and guards it names are in setup.ts.
 */
import { and, assign } from "xstate";
import { handoffTools } from "../../src/tools/handoffTools.js";
import type { EveryKeyOf } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import type { AgentConfig, AgentContext } from "./context.js";
import { agentSetup } from "./setup.js";

export const agentMachine = agentSetup.createMachine({
  id: "agent",
  context: ({ input }) => {
    const handoffs = handoffTools(input.peers, input.handoffMode);
    // Built field by field, then cloned once: XState copies the context on every assign, and
    // V8 keeps those copies fast only for an object made by a spread.
    const config = {
      teamId: input.teamId,
      name: input.name,
      model: input.model,
      peers: input.peers,
      handoffMode: input.handoffMode,
      providerService: input.providerService,
      retry: input.retry,
      stream: input.stream,
      samplingModel: input.samplingModel,
      toolTimeoutMs: input.toolTimeoutMs,
      strictSettings: input.strictSettings,
      self: address.agent(input.teamId, input.name),
      handoffTargets: Object.fromEntries(handoffs.targets),
      handoffSpecs: handoffs.specs,
    } satisfies EveryKeyOf<AgentConfig>;
    const context = {
      config,
      runId: "",
      delegation: undefined,
      transcript: [],
      reservedToolCallIds: [],
      grant: undefined,
      stepIndex: 0,
      response: undefined,
      stepStartedAt: 0,
      answeredAt: 0,
      lastAt: 0,
      attempt: 0,
      retryDelayMs: 0,
      lastError: undefined,
      plans: [],
      pending: {},
      outcomes: {},
      waiting: [],
      resume: undefined,
      callSeq: 0,
    } satisfies EveryKeyOf<AgentContext>;
    return { ...context };
  },
  initial: "idle",
  // Cancelled: whatever is in flight is called off (the model call, or the tool calls), then idle.
  on: {
    CANCEL: { target: ".idle" },
  },
  states: {
    idle: {
      // Every TASK brings the transcript again: an idle agent holds none (nor its last answer).
      entry: assign({ transcript: [], response: undefined, grant: undefined }),
      on: {
        TASK: [
          { guard: "hasResume", target: "runningTools", actions: "takeTask" },
          { guard: "hasGrant", target: "calling", actions: "takeTask" },
          { target: "requesting", actions: ["takeTask", "requestStep"] },
        ],
      },
    },
    requesting: {
      on: {
        "STEP.GRANT": { target: "calling", actions: "takeGrant" },
        "STEP.DENY": { target: "idle" },
      },
    },
    calling: {
      entry: "callModel",
      on: {
        CANCEL: { target: "idle", actions: "abortModelCall" },
        // Decided on the answer itself, not in a state after it: one microstep less per step.
        "CALL.DONE": [
          {
            guard: and(["currentCall", "answerHasToolCalls", "answersAwaited"]),
            target: "committing",
            actions: ["storeResponse", "reportAnswer"],
          },
          {
            guard: and(["currentCall", "answerHasToolCalls", "answersWritten"]),
            target: "runningTools",
            actions: ["storeResponse", "reportAnswer"],
          },
          { guard: and(["currentCall", "answerHasToolCalls"]), target: "runningTools", actions: "storeResponse" },
          { guard: and(["currentCall", "answerUnusable"]), target: "idle", actions: ["storeResponse", "reportUnusable"] },
          { guard: "currentCall", target: "idle", actions: ["storeResponse", "reportFinal"] },
        ],
        "CALL.FAILED": { guard: "currentCall", target: "failedCall", actions: "storeFailure" },
      },
    },
    failedCall: {
      always: [
        { guard: "retryable", target: "backoff", actions: "scheduleRetry" },
        { target: "idle", actions: "reportFailed" },
      ],
    },
    backoff: {
      after: { backoff: "calling" },
    },
    /** The answer goes to a store that commits later: its tools wait until it is committed. */
    committing: {
      on: { "STEP.COMMITTED": { target: "runningTools" } },
    },
    runningTools: {
      entry: "dispatchToolCalls",
      always: [
        { guard: and(["allAnswered", "waitingForApproval"]), target: "idle", actions: "reportInterrupt" },
        { guard: and(["allAnswered", "handingOff"]), target: "idle", actions: "reportHandoff" },
        { guard: and(["allAnswered", "grantCoversMore"]), target: "calling", actions: "reportAndGoOn" },
        { guard: "allAnswered", target: "requesting", actions: "reportAndRequest" },
      ],
      on: {
        "TOOL.RESULT": { actions: "storeToolResult" },
        CANCEL: { target: "idle", actions: "cancelPendingCalls" },
      },
    },
  },
});
