import type { ModelResponse } from "./types.js";

/** The response's model and id, where the provider gave them (`gen_ai.response.model` / `.id`). */
export function withIdentity(response: ModelResponse, model: string | undefined, id: string | undefined): ModelResponse {
  if (model) response.responseModel = model;
  if (id) response.responseId = id;
  return response;
}
