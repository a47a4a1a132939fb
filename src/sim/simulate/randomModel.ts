/**
 * A model that acts at random from the seed's rng: answers, or calls 1–3 of the tools it is
 * offered (handoffs and delegations included) with arguments made from their JSON Schemas.
 * Simulating a team with it explores what the team's wiring allows without writing scripts.
 */
import type { SimRequest, SimTurn } from "../../providers/simScript.js";
import type { SimRng } from "./rng.js";

type Schema = { type?: unknown; properties?: Record<string, Schema>; required?: unknown; enum?: unknown; items?: Schema };

/** A value for a JSON Schema; wrong now and then (1 in 10), as models are. */
function valueFor(schema: Schema | undefined, rng: SimRng, depth = 0): unknown {
  if (Array.isArray(schema?.enum) && schema.enum.length) return rng.pick(schema.enum);
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  switch (type) {
    case "string":
      return `text ${rng.int(1, 99)}`;
    case "number":
      return rng.int(0, 200) / 2;
    case "integer":
      return rng.int(0, 200);
    case "boolean":
      return rng.chance(0.5);
    case "array":
      return depth > 2 ? [] : Array.from({ length: rng.int(0, 2) }, () => valueFor(schema?.items, rng, depth + 1));
    case "object":
      return depth > 2 ? {} : argsFor(schema, rng, depth + 1);
    default:
      return null;
  }
}

function argsFor(schema: Schema | undefined, rng: SimRng, depth = 0): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    if (!required.has(key) && rng.chance(0.5)) continue;
    args[key] = rng.chance(0.1) ? "wrong" : valueFor(property, rng, depth);
  }
  return args;
}

export function randomModel(request: SimRequest, rng: SimRng): SimTurn {
  if (request.tools.length === 0 || rng.chance(0.35)) return { text: `answer ${rng.int(1, 99)} from ${request.model}` };
  const toolCalls = Array.from({ length: rng.int(1, 3) }, () => {
    const tool = rng.pick(request.tools);
    return { name: tool.name, args: argsFor(tool.parameters as Schema, rng) };
  });
  return { ...(rng.chance(0.3) ? { text: "working on it" } : {}), toolCalls };
}
