/**
 * The sim server with one more check on every request: the body must match the official SDK's
 * request type (JSON Schema in test/schemas/). A body that does not is refused with a 400 naming
 * the field, so the test that sent it fails where it sent it.
 */
import { type SimServer, type SimServerOptions, startSimServer } from "../../src/sim/index.js";
import { compileRequestSchemas, requestSchemaProblem } from "./requestSchemas.js";

const checked = new WeakMap<SimServer, { bodies: number }>();

export async function startCheckedSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  compileRequestSchemas();
  const count = { bodies: 0 };
  const server = await startSimServer({
    ...options,
    checkRequest: (provider, body) => {
      count.bodies++;
      const problem = requestSchemaProblem(provider, body) ?? options.checkRequest?.(provider, body);
      return problem;
    },
  });
  checked.set(server, count);
  return server;
}

/** How many request bodies this server checked against the SDK schemas (0 for an unchecked server). */
export function checkedBodies(server: SimServer): number {
  return checked.get(server)?.bodies ?? 0;
}
