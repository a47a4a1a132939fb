import type { Grant } from "../../machines/team/protocol.js";
import type { ModelRef } from "../models/modelRef.js";
import type { PlainModelRequest, ToolSpec } from "../providers/types.js";
import type { Message } from "../transcript/index.js";

/** The model call a grant allows: the grant's prepend/append around the transcript, its settings and tools. */
export function modelRequest(
  model: ModelRef,
  grant: Grant,
  transcript: readonly Message[],
  tools: readonly ToolSpec[],
  sessionId: string,
): PlainModelRequest {
  const request: PlainModelRequest = {
    modelId: model.id,
    model: model.name,
    messages: grant.prepend.length || grant.append.length ? [...grant.prepend, ...transcript, ...grant.append] : transcript,
    tools,
    settings: grant.settings,
    sessionId,
  };
  if (grant.system) request.system = grant.system;
  if (grant.output) request.output = grant.output;
  return request;
}
