/** Grants: how many steps a grant covers, the grant an agent gets, and counting granted steps. */
import { buildGrant, decideStep, delegationNote, type StepVerdict } from "../../src/policies/decide.js";
import type { PolicyDecision } from "../../src/policies/types.js";
import { extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import { type AgentInfo, agentInfo, type SupervisorContext } from "./context.js";
import type { Plan } from "./plan.js";
import type { Grant } from "./protocol.js";

/**
 * Steps one grant covers: the rest of the budget when nothing needs asking between steps (no
 * policy function to call, no delegations that spend steps of the same budget), else one.
 */
export function grantSteps(context: SupervisorContext, maxSteps: number): number {
  const run = context.run!;
  if (context.config.policyFunction || context.config.handoffMode !== "transfer") return 1;
  return Math.max(1, maxSteps - run.granted);
}

/** The verdict on an agent's request when no policy function is set (a plain policy object or none). */
export function plainVerdict(context: SupervisorContext, agent: string): StepVerdict {
  return verdictFor(context, agent, context.config.policy);
}

export function verdictFor(context: SupervisorContext, agent: string, decision: PolicyDecision | undefined): StepVerdict {
  const run = context.run!;
  return decideStep({ decision, agent, agents: context.config.agents, stepsUsed: run.granted, maxSteps: run.maxSteps });
}

function grantOf(
  context: SupervisorContext,
  agent: AgentInfo,
  decision: PolicyDecision | undefined,
  maxSteps: number,
  note: string | undefined,
): Grant {
  return withCheckpoint(
    context,
    buildGrant({
      decision,
      model: agent.model,
      instructions: [context.config.instructions, agent.instructions],
      note,
      tools: agent.tools,
      output: agent.output,
      step: context.run!.granted + 1,
      steps: grantSteps(context, maxSteps),
    }),
  );
}

/** A grant to the agent holding the task writes its answers down first when the store is durable. */
export function withCheckpoint(context: SupervisorContext, grant: Grant): Grant {
  if (context.config.answers) grant.checkpoint = context.config.answers;
  return grant;
}

/** Counts the step a grant starts and tells the listeners. */
function started(context: SupervisorContext, agent: AgentInfo, step: number, maxSteps: number): Plan {
  const run = context.run!;
  return {
    assign: { run: extend(run, { granted: run.granted + 1, maxSteps }) },
    emit: [{ type: "step.started", runId: run.runId, teamId: context.config.teamId, agent: agent.name, model: agent.model.id, step }],
  };
}

/** The grant for the active agent the verdict allowed, as STEP.GRANT or inside a TASK. */
export function activeGrant(
  context: SupervisorContext,
  decision: PolicyDecision | undefined,
  maxSteps: number,
): { grant: Grant; plan: Plan } {
  const agent = agentInfo(context, context.active);
  const grant = grantOf(context, agent, decision, maxSteps, context.note);
  return { grant, plan: started(context, agent, grant.step, maxSteps) };
}

export function sendGrant(context: SupervisorContext, decision: PolicyDecision | undefined, maxSteps: number): Plan {
  const { grant, plan } = activeGrant(context, decision, maxSteps);
  return {
    assign: plan.assign!,
    emit: plan.emit!,
    send: [{ to: address.agent(context.config.teamId, context.active), event: { type: "STEP.GRANT", grant } }],
  };
}

/** The next step under a grant that covers several: counted and announced when the last one is reported. */
export function nextStepStarted(context: SupervisorContext, agent: string, step: number): Plan {
  return started(context, agentInfo(context, agent), step, context.run!.maxSteps);
}

/** A step of a delegated subtask (one per grant; no policy is asked). */
export function delegateGrant(context: SupervisorContext, name: string, caller: string): { grant: Grant; plan: Plan } {
  const agent = agentInfo(context, name);
  const grant = buildGrant({
    decision: undefined,
    model: agent.model,
    instructions: [context.config.instructions, agent.instructions],
    note: delegationNote(name, caller),
    tools: agent.tools,
    output: undefined,
    step: context.run!.granted + 1,
    steps: 1,
  });
  return { grant, plan: started(context, agent, grant.step, context.run!.maxSteps) };
}
