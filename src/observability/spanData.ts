/**
 * Pure pieces of the OTel observer (actors/observability/otel.ts): span attributes from baton's
 * data, and ids read from the actor messages inspection shows.
 */
import type { Attributes } from "@opentelemetry/api";
import type { ErrorData } from "../errors.js";
import { ATTR, providerName, splitModel } from "./genai.js";

/** `gen_ai.provider.name` and `gen_ai.request.model` of a `provider/model` id. */
export function modelAttributes(modelId: string): Attributes {
  const { provider, model } = splitModel(modelId);
  return { [ATTR.provider]: providerName(provider), [ATTR.requestModel]: model };
}

/** A low-cardinality error class: the HTTP status of a provider error, else baton's error code. */
export function errorType(error: ErrorData): string {
  const status = (error.details as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? String(status) : error.code;
}

/** A policy decision as span event attributes; text it adds to prompts only with content capture. */
export function policyAttributes(decision: Record<string, unknown>, content: boolean): Attributes {
  const out: Attributes = { "baton.policy.action": "decide" };
  for (const [key, value] of Object.entries(decision)) {
    if (value === undefined || typeof value === "function") continue;
    const isText = key === "messagePrepend" || key === "messageAppend";
    if (isText && !content) {
      out[`baton.policy.${key}`] = true;
      continue;
    }
    out[`baton.policy.${key}`] =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : JSON.stringify(value);
  }
  return out;
}

export function systemIdOf(ref: unknown): string | undefined {
  const id = (ref as { systemId?: unknown } | undefined)?.systemId;
  return typeof id === "string" ? id : undefined;
}

/** CALL ids are `<run>:<agent or model>:<step>:<attempt>` (machines/agent): step and attempt from the right. */
export function parseCallId(callId: unknown): { runId: string; step: number; attempt: number } | undefined {
  if (typeof callId !== "string") return undefined;
  const parts = callId.split(":");
  if (parts.length < 4) return undefined;
  const attempt = Number(parts.at(-1));
  const step = Number(parts.at(-2));
  if (!Number.isInteger(step) || !Number.isInteger(attempt)) return undefined;
  return { runId: parts[0]!, step, attempt };
}

/** The model's tool call id from an idempotency key `<runId>:<tool call id>`. */
export function toolCallIdOf(runId: string, key: string | undefined): string | undefined {
  return key?.startsWith(`${runId}:`) ? key.slice(runId.length + 1) : undefined;
}
