export { startSimServer } from "./server.js";
export type { RecordedRequest, SimServer, SimServerOptions } from "./types.js";
