// `policies` in the public API: built-in policies and handoff filters.
export { all, budget, byStep, FINISH_NOW, fallback, finishBy, maxHandoffs } from "./builtins.js";
export { dropToolCalls, keepAll, lastN } from "./handoffFilters.js";
