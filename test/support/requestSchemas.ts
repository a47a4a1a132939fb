/**
 * Request bodies checked against JSON Schemas generated from the official SDKs' request types
 * (test/schemas/, `npm run schemas`): an unknown field, a wrong shape or a missing field is a
 * problem, named with its JSON path.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "schemas");
const ajv = new Ajv({ strict: false, allErrors: false });

const loaded = new Set<string>();
function validator(provider: "openai" | "anthropic", type: string): ValidateFunction {
  if (!loaded.has(provider)) {
    ajv.addSchema(JSON.parse(readFileSync(join(dir, `${provider}.schema.json`), "utf8")), provider);
    loaded.add(provider);
  }
  const validate = ajv.getSchema(`${provider}#/definitions/${type}`);
  if (!validate) throw new Error(`test/schemas/${provider}.schema.json has no ${type}: run npm run schemas`);
  return validate;
}

/** The SDK type a body must match: the provider's create params, streaming or not. */
export function requestType(provider: "openai" | "anthropic", body: Record<string, unknown>): string {
  const streaming = body.stream === true ? "Streaming" : "NonStreaming";
  return provider === "openai" ? `OpenAIChatRequest${streaming}` : `AnthropicRequest${streaming}`;
}

/** Why a body does not match its SDK request type, or undefined when it does. */
export function requestSchemaProblem(provider: "openai" | "anthropic", body: Record<string, unknown>): string | undefined {
  const type = requestType(provider, body);
  const validate = validator(provider, type);
  if (validate(body)) return undefined;
  // The deepest error says the most (unions report every branch at the top).
  const errors = [...(validate.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length).slice(0, 3);
  const text = errors
    .map(
      (e) =>
        `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` '${String(e.params.additionalProperty)}'` : ""}`,
    )
    .join("; ");
  return `request body does not match the SDK's ${type}: ${text}`;
}

/** Compiles every validator now (about two seconds), so no request waits for it mid-test. */
export function compileRequestSchemas(): void {
  for (const provider of ["openai", "anthropic"] as const) {
    for (const stream of [false, true]) validator(provider, requestType(provider, { stream }));
  }
}
