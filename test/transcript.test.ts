import { describe, expect, it } from "vitest";
import { findTranscriptProblems, type Message, repairTranscript } from "../src/transcript/index.js";

const call = (id: string, name = "t") => ({ id, name, args: {} });

describe("transcript invariants", () => {
  it("a valid transcript has no problems and is returned as is by repair", () => {
    const messages: Message[] = [
      { role: "user", content: "hi" },
      { role: "assistant", content: "", toolCalls: [call("1"), call("2")] },
      { role: "tool", toolCallId: "2", name: "t", content: "b" },
      { role: "tool", toolCallId: "1", name: "t", content: "a" },
      { role: "assistant", content: "done" },
    ];
    expect(findTranscriptProblems(messages)).toEqual([]);
    expect(repairTranscript(messages)).toBe(messages);
  });

  it("a tool call without a result gets an error result in the right place", () => {
    const messages: Message[] = [
      { role: "user", content: "hi" },
      { role: "assistant", content: "", toolCalls: [call("1"), call("2")] },
      { role: "tool", toolCallId: "1", name: "t", content: "a" },
      { role: "user", content: "next" },
    ];
    expect(findTranscriptProblems(messages)).toEqual([{ index: 3, problem: "tool call 2 has no result" }]);
    const repaired = repairTranscript(messages);
    expect(findTranscriptProblems(repaired)).toEqual([]);
    expect(repaired[3]).toMatchObject({ role: "tool", toolCallId: "2", isError: true });
    expect(repaired[4]).toEqual({ role: "user", content: "next" });
  });

  it("orphan and duplicate results are dropped", () => {
    const messages: Message[] = [
      { role: "tool", toolCallId: "x", name: "t", content: "orphan" },
      { role: "assistant", content: "", toolCalls: [call("1")] },
      { role: "tool", toolCallId: "1", name: "t", content: "a" },
      { role: "tool", toolCallId: "1", name: "t", content: "again" },
    ];
    expect(findTranscriptProblems(messages).map((p) => p.problem)).toEqual([
      "tool result x answers no open tool call",
      "tool result 1 answers no open tool call",
    ]);
    const repaired = repairTranscript(messages);
    expect(repaired).toHaveLength(2);
    expect(findTranscriptProblems(repaired)).toEqual([]);
  });

  it("duplicate call ids across turns are renamed, results follow their call", () => {
    const messages: Message[] = [
      { role: "assistant", content: "", toolCalls: [call("1")] },
      { role: "tool", toolCallId: "1", name: "t", content: "first" },
      { role: "assistant", content: "", toolCalls: [call("1")] },
      { role: "tool", toolCallId: "1", name: "t", content: "second" },
    ];
    expect(findTranscriptProblems(messages)).toEqual([{ index: 2, problem: "duplicate tool call id 1" }]);
    const repaired = repairTranscript(messages);
    expect(findTranscriptProblems(repaired)).toEqual([]);
    expect(repaired[2]).toMatchObject({ toolCalls: [{ id: "1_2" }] });
    expect(repaired[3]).toMatchObject({ toolCallId: "1_2", content: "second" });
  });

  it("provider-only parts are kept only for the same provider", () => {
    const messages: Message[] = [
      {
        role: "assistant",
        content: "x",
        meta: { model: "anthropic/c", providerParts: [{ provider: "anthropic", kind: "thinking", data: { signature: "s" } }] },
      },
    ];
    expect(repairTranscript(messages, { receiverProvider: "anthropic" })).toBe(messages);
    const forOpenAI = repairTranscript(messages, { receiverProvider: "openai" });
    expect(forOpenAI[0]).toMatchObject({ meta: { model: "anthropic/c", providerParts: [] } });
  });
});
