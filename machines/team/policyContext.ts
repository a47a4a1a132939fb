import type { PolicyContext } from "../../src/policies/types.js";
import { agentInfo, type SupervisorContext } from "./context.js";

/** What a policy function sees before a call (DESIGN §6, plus agents). Plain data. */
export function policyContext(context: SupervisorContext): PolicyContext {
  const run = context.run!;
  const active = agentInfo(context, context.active);
  const agents = context.config.agents.map((a) => ({ name: a.name, model: a.model.id, description: a.description }));
  const ctx: PolicyContext = {
    step: run.granted + 1,
    agent: active.name,
    agents,
    model: active.model.id,
    models: [...new Set(agents.map((a) => a.model))],
    messages: context.transcript,
    toolsCalled: run.toolResults.map((t) => t.name),
    handoffs: run.handoffs,
    usage: run.usage,
    tools: active.tools.map((t) => t.spec.name),
    mcpServers: [...new Set(active.tools.filter((t) => t.source !== "local").map((t) => t.source))],
    maxSteps: run.maxSteps,
    failures: run.failures,
  };
  if (context.failure) ctx.lastError = context.failure;
  return ctx;
}
