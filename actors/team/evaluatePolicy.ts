import { fromPromise } from "xstate";
import { BatonError } from "../../src/errors.js";
import type { Policy, PolicyContext, PolicyDecision } from "../../src/policies/types.js";

/** Calls the user's policy (an object, or a possibly async function); a throw is a POLICY_ERROR. */
export const evaluatePolicy = fromPromise<PolicyDecision | undefined, { policy: Policy | undefined; context: PolicyContext }>(
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
