// `baton/sim`: scripted models and the wire-protocol sim server, for simulation tests.

export { createSimProvider, type SimProviderConfig } from "../../actors/providers/sim.js";
export { contentText } from "../transcript/text.js";
export { type SimFault, type SimRequest, type SimScript, type SimTurn, textChunks } from "./script.js";
export { type RecordedRequest, type SimServer, type SimServerOptions, startSimServer } from "./server/index.js";
