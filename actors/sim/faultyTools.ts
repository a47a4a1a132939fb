import type { FaultPlan } from "../../src/sim/simulate/faults.js";
import type { Tool, ToolContext } from "../../src/tools/defineTool.js";
import type { VirtualClock } from "./virtualClock.js";

/** How long a hung tool (toolTimeout) waits when the team sets no toolTimeoutMs: 10 simulated minutes. */
export const HUNG_TOOL_MS = 600_000;

export interface ToolFaultHooks {
  clock: VirtualClock;
  plan: FaultPlan;
  abort(): void;
}

/**
 * A local tool under the plan's faults: it may take simulated time, throw, or hang until the
 * call is aborted (its timeout, or the run's cancel). Otherwise the tool's own `execute` runs.
 */
export function faultyTool(tool: Tool, hooks: ToolFaultHooks): Tool {
  const execute = async (args: never, context: ToolContext): Promise<unknown> => {
    const decision = hooks.plan.decide("tool");
    if (decision.abort) hooks.abort();
    if (decision.latencyMs) await hooks.clock.sleep(decision.latencyMs, context.signal);
    if (decision.fault === "toolThrow") throw new Error(`simulated failure of ${tool.name}`);
    if (decision.fault === "toolTimeout") {
      await hooks.clock.sleep(HUNG_TOOL_MS, context.signal);
      throw new Error(`${tool.name} did not answer (simulated hang)`);
    }
    return tool.execute(args, context);
  };
  return { ...tool, execute } as Tool;
}
