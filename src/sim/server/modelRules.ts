/**
 * What the real APIs refuse per model family, written from the providers' documentation and
 * their observed 400s, independently of baton's catalog: the sim server must catch a request
 * the catalog (or its caller) got wrong, as the real API would.
 */

/** Claude models released after Opus 4.6: temperature, top_p and top_k are deprecated (400). */
export const CLAUDE_NO_SAMPLING = /^claude-(?:opus-4-[7-9]|mythos|fable|(?:opus|sonnet|haiku)-[5-9])/;
/** Claude Opus 4.1 to the 4.6 models: temperature and top_p cannot both be given. */
export const CLAUDE_ONE_SAMPLER = /^claude-(?:opus-4-[156]|sonnet-4-[56]|haiku-4-5)/;
/** Claude models without structured output (`output_config.format`). */
export const CLAUDE_NO_STRUCTURED_OUTPUT = /^claude-(?:2|3|instant|sonnet-4-2|opus-4-2|opus-4-1)/;

/** OpenAI reasoning models: only the default temperature and top_p, no stop sequences, no max_tokens. */
export const OPENAI_REASONING = /^(?:o\d|gpt-5(?!-chat))/;
/** OpenAI models that take no image input. */
export const OPENAI_NO_VISION = /^(?:gpt-3\.5|o1-mini|o1-preview|o3-mini)/;
/** OpenAI models without `response_format` json_schema. */
export const OPENAI_NO_JSON_SCHEMA = /^gpt-3\.5/;
