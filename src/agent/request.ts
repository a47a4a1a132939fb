/**
 * The model call a grant allows, made valid for the model it goes to: settings the model does
 * not take are dropped (or refused, with strictSettings), image and file parts it cannot read
 * become placeholders. What was changed comes back as warnings for the run's result.
 */
import type { Grant } from "../../machines/team/protocol.js";
import type { ErrorData } from "../errors.js";
import { adaptContent, modelCapabilities, checkSettings as modelSettingsFor } from "../models/capabilities.js";
import type { ModelRef } from "../models/modelRef.js";
import type { PlainModelRequest, ToolSpec } from "../providers/types.js";
import type { RunWarning } from "../result.js";
import type { Message } from "../transcript/index.js";

export interface RequestInput {
  agent: string;
  model: ModelRef;
  grant: Grant;
  transcript: readonly Message[];
  tools: readonly ToolSpec[];
  sessionId: string;
  /** A setting the model does not take is an error instead of a warning. */
  strictSettings: boolean;
}

export interface PreparedRequest {
  request: PlainModelRequest;
  warnings: RunWarning[];
  /** Set when the request must not be sent (strictSettings and a setting the model does not take). */
  refused?: ErrorData;
}

/** True when the catalog knows the model cannot read some part (checked once per agent, not per call). */
export function readsAllParts(modelId: string): boolean {
  const { vision, pdf } = modelCapabilities(modelId);
  return vision !== false && pdf !== false;
}

export function prepareRequest(input: RequestInput): PreparedRequest {
  const { model, grant, agent } = input;
  const warnings: RunWarning[] = [];
  const checked = modelSettingsFor(model.id, grant.settings);
  for (const d of checked.dropped) {
    warnings.push({
      code: "SETTING_DROPPED",
      agent,
      model: model.id,
      setting: d.setting,
      message: `${d.setting} was not sent to ${model.id}: ${d.reason}`,
    });
  }
  let messages: readonly Message[] =
    grant.prepend.length || grant.append.length ? [...grant.prepend, ...input.transcript, ...grant.append] : input.transcript;
  if (!readsAllParts(model.id)) {
    const adapted = adaptContent(model.id, messages);
    messages = adapted.messages;
    for (const message of adapted.warnings) warnings.push({ code: "CONTENT_REPLACED", agent, model: model.id, message });
  }
  const request: PlainModelRequest = {
    modelId: model.id,
    model: model.name,
    messages,
    tools: input.tools,
    settings: checked.dropped.length ? checked.settings : grant.settings,
    sessionId: input.sessionId,
  };
  if (grant.system) request.system = grant.system;
  if (grant.output) request.output = grant.output;
  const prepared: PreparedRequest = { request, warnings };
  if (input.strictSettings && checked.dropped.length) {
    prepared.refused = {
      code: "INVALID_OPTIONS",
      message: `strictSettings: ${model.id} does not take ${checked.dropped.map((d) => `${d.setting} (${d.reason})`).join("; ")}. Remove the setting or turn strictSettings off.`,
      details: { model: model.id, dropped: checked.dropped.map((d) => d.setting), retryable: false },
    };
  }
  return prepared;
}
