/**
 * Structured output on the Messages API. Models with native structured output get
 * `output_config.format` (json_schema) with the schema in the subset the API takes; a model the
 * catalog knows lacks it gets a final-answer tool instead, whose input is the answer. Pure.
 */
import type { OutputConfig, Tool, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import type { ModelResponse, OutputSpec } from "./types.js";

type Schema = Record<string, unknown>;

/** Constraints the API's structured output does not take: moved into the description, checked by the caller's validation. */
const UNSUPPORTED = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "maxItems"];
const FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"]);

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A JSON Schema in the subset `output_config.format` takes, as the SDK's own transform does:
 * `additionalProperties: false` on every object, numeric/length constraints and unknown string
 * formats moved into the description, `minItems` above 1 likewise.
 */
export function anthropicOutputSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anthropicOutputSchema);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  const notes: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (UNSUPPORTED.includes(key) || (key === "minItems" && typeof value === "number" && value > 1)) {
      notes.push(`${key}: ${JSON.stringify(value)}`);
    } else if (key === "format" && typeof value === "string" && !FORMATS.has(value)) {
      notes.push(`format: ${value}`);
    } else if (key === "properties" && isSchema(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, anthropicOutputSchema(sub)]));
    } else if (key === "$defs" || key === "definitions") {
      out[key] = isSchema(value)
        ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, anthropicOutputSchema(sub)]))
        : value;
    } else {
      out[key] = typeof value === "object" ? anthropicOutputSchema(value) : value;
    }
  }
  const isObject = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object")) || isSchema(out.properties);
  if (isObject) out.additionalProperties = false;
  if (notes.length > 0) out.description = [out.description, `(${notes.join(", ")})`].filter(Boolean).join(" ");
  return out;
}

export function outputFormat(output: OutputSpec): Required<Pick<OutputConfig, "format">> {
  return { format: { type: "json_schema", schema: anthropicOutputSchema(output.schema) as Schema } };
}

/** The final-answer tool's name: `final_answer`, unless an offered tool already has it. */
export function outputToolName(output: OutputSpec, toolNames: readonly string[]): string {
  return toolNames.includes("final_answer") ? `final_answer_${output.name}`.slice(0, 64) : "final_answer";
}

export function outputTool(output: OutputSpec, name: string): Tool {
  return {
    name,
    description: `Give your final answer (${output.name}) by calling this tool; its input is the answer. Call it once you are done with any other tools.`,
    input_schema: { ...(anthropicOutputSchema(output.schema) as Schema), type: "object" },
  };
}

/**
 * With no other tool, or without thinking, the model must call a tool (`any`, or the answer tool
 * itself); with thinking on the API refuses forced tool use, so the choice stays `auto`.
 */
export function outputToolChoice(name: string, otherTools: boolean, thinking: boolean): ToolChoice {
  if (thinking) return { type: "auto" };
  return otherTools ? { type: "any" } : { type: "tool", name };
}

/**
 * The answer the final-answer tool carries, as the response's text. A call to it beside other
 * tool calls is dropped (the model answers again once their results are in).
 */
export function fromOutputTool(response: ModelResponse, name: string): ModelResponse {
  const answer = response.toolCalls.find((call) => call.name === name);
  if (!answer) return response;
  const others = response.toolCalls.filter((call) => call.name !== name);
  if (others.length > 0) return { ...response, toolCalls: others };
  return { ...response, text: JSON.stringify(answer.args), toolCalls: [], stopReason: "stop" };
}
