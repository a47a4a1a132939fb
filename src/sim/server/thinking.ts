import { createHash } from "node:crypto";
import type { ModelResponse } from "../../providers/types.js";
import { isRecord, type WireBody } from "./protocol.js";

/**
 * Extended thinking, simulated: with `thinking` enabled the server starts each answer with a
 * thinking block whose signature it can verify later, so a client that drops or edits thinking
 * blocks it must send back is caught as the real API would catch it.
 */
export function thinkingEnabled(body: WireBody): boolean {
  return isRecord(body.thinking) && (body.thinking.type === "enabled" || body.thinking.type === "adaptive");
}

export function thinkingSignature(thinking: string): string {
  return createHash("sha256").update(`baton-sim-thinking\u0000${thinking}`).digest("base64");
}

export function thinkingText(response: ModelResponse): string {
  const names = response.toolCalls.map((call) => call.name);
  return names.length > 0 ? `I should call ${names.join(", ")}.` : "I can answer now.";
}
