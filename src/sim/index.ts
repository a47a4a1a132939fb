// `baton/sim`: scripted models and the wire-protocol sim server, for simulation tests.
export { type SimFault, type SimRequest, type SimScript, type SimTurn, textChunks } from "./script.js";
export { type RecordedRequest, type SimServer, type SimServerOptions, startSimServer } from "./server/index.js";
export { createSimProvider, type SimProviderConfig } from "./simProvider.js";
