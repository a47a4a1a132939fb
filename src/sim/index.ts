// `baton/sim`: scripted models and the wire-protocol sim server, for simulation tests.

export { createSimProvider, type SimProviderConfig } from "../../actors/providers/sim.js";
export type { RetryOptions } from "../agent/retry.js";
// Types the simulate() types refer to (TeamOptions, RunResult, RunEvent, …): baton's, all of them.
export type * from "../index.js";
export type { PlainModelRequest } from "../providers/types.js";
export { contentText } from "../transcript/text.js";
export { type SimFault, type SimRequest, type SimScript, type SimTurn, textChunks } from "./script.js";
export { type RecordedRequest, type SimServer, type SimServerOptions, startSimServer } from "./server/index.js";
export type { FaultKind, FaultSchedule, ScheduledFault, SimFaults } from "./simulate/faults.js";
export { BUILTIN_INVARIANTS } from "./simulate/invariants.js";
export { randomModel } from "./simulate/randomModel.js";
export type { SimRng } from "./simulate/rng.js";
export type {
  SimFailure,
  SimInvariant,
  SimInvariantCheck,
  SimLeaks,
  SimOutcome,
  SimProgress,
  SimReport,
  SimRun,
  SimulateOptions,
  SimulateScript,
} from "./simulate/types.js";
// simulate(): seeded faults on virtual time, invariants, shrinking (issue 20).
export { simulate } from "./simulate.js";
