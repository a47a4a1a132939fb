import { z } from "zod";
import { BatonError } from "../errors.js";
import { describeValue } from "../options/describe.js";

export interface ToolContext {
  /** Aborted when the run is cancelled or the call times out. */
  signal: AbortSignal;
  /** The agent that called the tool (its model id in the model-list shorthand). */
  agent: string;
  /** The model that called the tool (`provider/model`). */
  model: string;
  runId: string;
  callId: string;
  /**
   * `<runId>:<the model's tool call id>`: the same when a resumed run makes the call again, so a
   * tool with side effects can make itself exactly-once.
   */
  idempotencyKey: string;
}

export interface ToolDefinition<Schema extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  parameters: Schema;
  execute: (args: z.infer<Schema>, context: ToolContext) => unknown | Promise<unknown>;
  /**
   * A person approves each call before it runs (durable runs): `true`, or a rule of the
   * arguments. A call that needs approval ends the run `interrupted`; `runner.resume` decides.
   */
  needsApproval?: boolean | ((args: z.infer<Schema>, context: ToolContext) => boolean | Promise<boolean>);
}

/** A local tool the models may call. `parameters` must be a zod object schema. */
export interface Tool<Schema extends z.ZodObject = z.ZodObject> extends ToolDefinition<Schema> {
  readonly kind: "baton.tool";
  /** JSON Schema of the parameters, as sent to providers. */
  readonly jsonSchema: Record<string, unknown>;
}

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export function defineTool<Schema extends z.ZodObject>(definition: ToolDefinition<Schema>): Tool<Schema> {
  const name = definition?.name;
  if (typeof name !== "string" || !TOOL_NAME_PATTERN.test(name)) {
    throw new BatonError(
      "INVALID_TOOL",
      `Tool name ${describeValue(name)} is not valid: use 1-64 letters, digits, "_" or "-" (every provider requires this).`,
    );
  }
  if (!(definition.parameters instanceof z.ZodObject)) {
    throw new BatonError(
      "INVALID_TOOL",
      `Tool "${name}": parameters must be a zod object schema, e.g. z.object({ city: z.string() }); got ${describe(definition.parameters)}.`,
    );
  }
  if (typeof definition.execute !== "function") {
    throw new BatonError("INVALID_TOOL", `Tool "${name}": execute must be a function (args, context) => result.`);
  }
  const approval = definition.needsApproval;
  if (approval !== undefined && typeof approval !== "boolean" && typeof approval !== "function") {
    throw new BatonError("INVALID_TOOL", `Tool "${name}": needsApproval must be true, false or a function (args, context) => boolean.`);
  }
  const jsonSchema = z.toJSONSchema(definition.parameters, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return {
    kind: "baton.tool",
    name,
    description: definition.description ?? "",
    parameters: definition.parameters,
    execute: definition.execute,
    ...(definition.needsApproval === undefined ? {} : { needsApproval: definition.needsApproval }),
    jsonSchema,
  };
}

export function isTool(value: unknown): value is Tool {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "baton.tool";
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof z.ZodType) return `a zod ${value.def.type} schema`;
  return typeof value;
}

export { toolErrorText, toolOutputText } from "./outputText.js";
