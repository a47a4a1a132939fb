/**
 * The benchmark's one piece of work, shared by every implementation and by the sim server:
 * model A (OpenAI Chat Completions) calls the local `lookup` tool once, then hands off to
 * model B (Anthropic Messages), which writes the answer. Three LLM calls.
 */
import { contentText, type SimRequest, type SimScript, type SimTurn } from "../src/sim/index.js";

export const RESEARCH_MODEL = "gpt-4o-mini";
export const WRITER_MODEL = "claude-sonnet-4-20250514";
export const INPUT = "Research the probe launch, then write a short report about it.";
export const INSTRUCTIONS = "You are part of a two-model team. The researcher looks facts up; the writer writes the report.";
export const TOOL_NAME = "lookup";
export const TOOL_DESCRIPTION = "Look up facts about a topic.";
export const TOPIC = "probe launch";
/** Every tool result carries it, so the writer can prove the result reached it. */
const MARKER = "FACT:";

/** The local tool, identical in every implementation. */
export function lookup(topic: string): string {
  return `${MARKER} the ${topic} happened on 2026-05-01 and the probe reached orbit nine minutes later.`;
}

/** The writer's answer for a transcript whose tool result says `fact`. */
export function answerFor(fact: string | undefined): string {
  if (!fact) return "Report: nothing was found.";
  return `Report: ${fact.slice(MARKER.length).trim()} The team checked the numbers twice, and everything went to plan from start to finish.`;
}

/** What every implementation must return. */
export const EXPECTED_ANSWER = answerFor(lookup(TOPIC));

function factIn(request: SimRequest): string | undefined {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i]!;
    if (message.role === "tool" && contentText(message.content).startsWith(MARKER)) return contentText(message.content);
  }
  return undefined;
}

/** Only the arguments the handoff tool declares (frameworks differ: `{reason, task}`, `{}`, …). */
function handoffArgs(parameters: Record<string, unknown>): Record<string, unknown> {
  const properties = (parameters.properties ?? {}) as Record<string, unknown>;
  return "reason" in properties ? { reason: "The research is done; write the report." } : {};
}

/** Model A: look the topic up once; once the result is the last message, hand off. */
export function researcherTurn(request: SimRequest): SimTurn {
  const last = request.messages.at(-1);
  if (last?.role === "tool" && contentText(last.content).startsWith(MARKER)) {
    const handoff = request.tools.find((tool) => tool.name.startsWith("transfer_to"));
    if (!handoff) return { text: "No handoff tool was offered." };
    return { toolCalls: [{ name: handoff.name, args: handoffArgs(handoff.parameters) }] };
  }
  return { toolCalls: [{ name: TOOL_NAME, args: { topic: TOPIC } }] };
}

/** Model B: writes the report from the tool result it finds in the transcript. */
export function writerTurn(request: SimRequest): SimTurn {
  return { text: answerFor(factIn(request)) };
}

/** Scripts for the sim server, keyed by wire model name; they decide from the request alone. */
export const SERVER_SCRIPTS: Record<string, SimScript> = {
  [RESEARCH_MODEL]: researcherTurn,
  [WRITER_MODEL]: writerTurn,
};

/** `n` earlier messages (user/assistant pairs, so every provider accepts them). */
export function history(n: number): Array<{ role: "user" | "assistant"; content: string }> {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? { role: "user" as const, content: `Earlier question ${i / 2}: what happened on day ${i}?` }
      : { role: "assistant" as const, content: `Earlier answer ${(i - 1) / 2}: nothing worth a report happened on day ${i - 1}.` },
  );
}
