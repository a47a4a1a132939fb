/** Delegations (`ask_<agent>`): a subtask runs on the target agent and comes back to the caller as a tool result. */
import { delegateToolName } from "../../src/tools/handoffTools.js";
import { toolMessage, userMessage } from "../../src/transcript/index.js";
import { extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import type { SupervisorContext } from "./context.js";
import { delegateGrant } from "./grants.js";
import { after, merge, type Plan } from "./plan.js";
import type { DelegateMessage, DelegationAnswer, FailedMessage, FinalMessage } from "./protocol.js";
import { record } from "./records.js";

function answer(context: SupervisorContext, caller: string, result: Omit<DelegationAnswer, "type">): Plan {
  return { send: [{ to: address.agent(context.config.teamId, caller), event: { type: "TOOL.RESULT", ...result } }] };
}

/** Starts a delegation, or queues it behind the target's current one, or answers why it cannot run. */
export function startDelegation(context: SupervisorContext, e: DelegateMessage): Plan {
  const caller = context.config.agents.find((a) => a.name === e.from);
  if (!caller) return {};
  const target = context.config.agents.find((a) => a.name === e.to);
  if (!target || !caller.handoffs.includes(e.to) || context.config.handoffMode === "transfer") {
    const reason = !target ? `${e.to} is not in this team` : `${e.from} may not ask ${e.to}`;
    return answer(context, e.from, { callId: e.callId, content: `Error: ${reason}.`, isError: true, ms: 0, at: e.at });
  }
  if (e.to in context.delegations) return { assign: { queued: [...context.queued, e] } };
  return runDelegation(context, e);
}

function runDelegation(context: SupervisorContext, e: DelegateMessage): Plan {
  const run = context.run!;
  if (run.granted >= run.maxSteps) {
    return answer(context, e.from, {
      callId: e.callId,
      content: `Error: ${e.to} could not work on the subtask: maxSteps (${run.maxSteps}) reached.`,
      isError: true,
      ms: 0,
      at: e.at,
    });
  }
  const begun: Plan = {
    assign: {
      delegations: extend(context.delegations, { [e.to]: { callId: e.callId, toolCallId: e.toolCallId, caller: e.from, started: e.at } }),
    },
  };
  const { grant, plan } = delegateGrant(after(context, begun), e.to, e.from);
  return merge(begun, plan, {
    send: [
      {
        to: address.agent(context.config.teamId, e.to),
        event: {
          type: "TASK",
          runId: run.runId,
          at: e.at,
          transcript: [userMessage(e.task)],
          grant,
          delegation: { callId: e.callId, from: e.from },
        },
      },
    ],
  });
}

/** A delegate asks for its next step: granted while the run's budget lasts, else its caller reads why not. */
export function grantDelegateStep(context: SupervisorContext, agent: string): Plan {
  const run = context.run!;
  const delegation = context.delegations[agent]!;
  if (run.granted >= run.maxSteps) {
    const { [agent]: _, ...rest } = context.delegations;
    const ended: Plan = {
      assign: { delegations: rest },
      send: [{ to: address.agent(context.config.teamId, agent), event: { type: "STEP.DENY", reason: "step limit" } }],
    };
    return merge(
      ended,
      answer(context, delegation.caller, {
        callId: delegation.callId,
        content: `Error: ${agent} could not finish the subtask: maxSteps (${run.maxSteps}) reached.`,
        isError: true,
        ms: 0,
        at: delegation.started,
      }),
      nextQueued(after(context, ended), agent),
    );
  }
  const { grant, plan } = delegateGrant(context, agent, delegation.caller);
  return merge(plan, { send: [{ to: address.agent(context.config.teamId, agent), event: { type: "STEP.GRANT", grant } }] });
}

/** A delegate's answer (or failure) goes back to its caller as the tool result; the next queued subtask starts. */
export function answerDelegation(context: SupervisorContext, e: FinalMessage | FailedMessage): Plan {
  const delegation = context.delegations[e.agent];
  if (!delegation) return {};
  const { [e.agent]: _, ...rest } = context.delegations;
  const ms = Math.max(0, e.at - delegation.started);
  const content = e.type === "FINAL" ? e.output : `Error: ${e.agent} failed on the subtask: ${e.error.message}`;
  // Written down at once: a resume finishes the caller's step with it instead of asking again.
  const settled = toolMessage({ id: delegation.toolCallId, name: delegateToolName(e.agent) }, content, e.type !== "FINAL");
  const ended: Plan = {
    assign: { delegations: rest },
    checkpoint: [record("settled", e.at, { agent: delegation.caller, message: settled })],
  };
  const reply =
    e.type === "FINAL"
      ? answer(context, delegation.caller, { callId: delegation.callId, content: e.output, isError: false, ms, at: e.at })
      : answer(context, delegation.caller, {
          callId: delegation.callId,
          content: `Error: ${e.agent} failed on the subtask: ${e.error.message}`,
          isError: true,
          ms,
          at: e.at,
        });
  return merge(ended, reply, nextQueued(after(context, ended), e.agent));
}

function nextQueued(context: SupervisorContext, agent: string): Plan {
  const index = context.queued.findIndex((q) => q.to === agent);
  if (index < 0) return {};
  const next = context.queued[index]!;
  const dequeued: Plan = { assign: { queued: context.queued.filter((_, i) => i !== index) } };
  return merge(dequeued, runDelegation(after(context, dequeued), next));
}
