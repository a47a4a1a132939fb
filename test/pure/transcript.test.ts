/** Transcript repair and checks (src/transcript/), content parts included; complements test/transcript.test.ts. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ContentPart,
  checkMessages,
  contentText,
  findTranscriptProblems,
  hasMediaParts,
  lastAssistantText,
  type Message,
  repairTranscript,
  type ToolCall,
} from "../../src/transcript/index.js";

const call = (id: string, name = "t"): ToolCall => ({ id, name, args: {} });
const asks = (...ids: string[]): Message => ({ role: "assistant", content: "", toolCalls: ids.map((id) => call(id)) });
const result = (id: string, content: Message["content"] = `r${id}`): Message =>
  ({ role: "tool", toolCallId: id, name: "t", content }) as Message;

const image: ContentPart = { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" };
const pdf: ContentPart = { type: "file", data: "JVBERi0=", mediaType: "application/pdf", name: "spec.pdf" };

describe("repairTranscript with content parts", () => {
  it("a valid transcript with image and file parts comes back as the very same array", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "look" }, image, pdf] },
      asks("1"),
      result("1", [
        { type: "text", text: "chart" },
        { type: "image", url: "https://example.com/c.png" },
      ]),
      { role: "assistant", content: "seen" },
    ];
    expect(findTranscriptProblems(messages)).toEqual([]);
    expect(repairTranscript(messages, { receiverProvider: "openai" })).toBe(messages);
  });

  it("a renamed call keeps its result's parts, and the parts are not copied or changed", () => {
    const parts: ContentPart[] = [image];
    const messages: Message[] = [asks("1"), result("1"), asks("1"), result("1", parts)];
    const repaired = repairTranscript(messages);
    expect(repaired[3]).toEqual({ role: "tool", toolCallId: "1_2", name: "t", content: parts });
    expect((repaired[3] as { content: unknown }).content).toBe(parts);
    expect(findTranscriptProblems(repaired)).toEqual([]);
  });

  it("a missing result gets the given text as an error result, before the next turn", () => {
    const repaired = repairTranscript([asks("1", "2"), result("2"), { role: "user", content: [image] }], { missingResult: "lost" });
    expect(repaired.map((m) => (m.role === "tool" ? `${m.toolCallId}:${m.content}:${m.isError ?? false}` : m.role))).toEqual([
      "assistant",
      "2:r2:false",
      "1:lost:true",
      "user",
    ]);
  });

  it("a result that comes after the next assistant turn answers nothing: dropped, and its call gets an error result", () => {
    const repaired = repairTranscript([asks("1"), { role: "assistant", content: "moving on" }, result("1")]);
    expect(repaired).toEqual([
      asks("1"),
      expect.objectContaining({ toolCallId: "1", isError: true }),
      { role: "assistant", content: "moving on" },
    ]);
  });

  it("provider parts: kept when no receiver is named, dropped for another provider", () => {
    const messages: Message[] = [
      {
        role: "assistant",
        content: "x",
        meta: {
          providerParts: [
            { provider: "anthropic", kind: "thinking", data: 1 },
            { provider: "openai", kind: "r", data: 2 },
          ],
        },
      },
    ];
    expect(repairTranscript(messages)).toBe(messages);
    expect(repairTranscript(messages, { receiverProvider: "openai" })[0]).toMatchObject({
      meta: { providerParts: [{ provider: "openai" }] },
    });
  });

  it("does not change its input", () => {
    const messages: Message[] = [asks("1"), asks("1"), result("1"), result("9")];
    const before = structuredClone(messages);
    repairTranscript(messages, { receiverProvider: "x" });
    expect(messages).toEqual(before);
  });

  /** Transcripts of user/assistant/tool turns with ids from a small set, so repeats and orphans are common. */
  const transcripts = (ids: string[]) =>
    fc.array(
      fc.oneof(
        fc.constant<Message>({ role: "user", content: [{ type: "text", text: "u" }, image] }),
        fc
          .uniqueArray(fc.constantFrom(...ids), { maxLength: 3 })
          .map((callIds): Message => (callIds.length ? asks(...callIds) : { role: "assistant", content: "a" })),
        fc.constantFrom(...ids).map((id) => result(id, [{ type: "text", text: id }, pdf])),
      ),
      { maxLength: 10 },
    );

  it("any transcript repaired has no problems, and repairing it again changes nothing (property)", () => {
    fc.assert(
      fc.property(transcripts(["a", "b", "c"]), (messages) => {
        const repaired = repairTranscript(messages);
        expect(findTranscriptProblems(repaired)).toEqual([]);
        expect(repairTranscript(repaired)).toBe(repaired);
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it("a transcript without problems is returned as it is (property)", () => {
    fc.assert(
      fc.property(transcripts(["a", "b", "c"]), (messages) => {
        fc.pre(findTranscriptProblems(messages).length === 0);
        expect(repairTranscript(messages)).toBe(messages);
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  // BUG (src/transcript/repair.ts): new ids are checked only against earlier turns (`usedIds`,
  // filled after the map over the message's calls), never against the other calls of the same
  // message. So (1) two calls with one id in one assistant message are both kept, and the
  // second result is dropped as a duplicate; (2) a renamed call (`a` → `a_2`) can take the id of
  // a later call of the same message that is already `a_2`. Either way the "repaired" transcript
  // has duplicate ids, which Anthropic and OpenAI refuse. Reachable through `messages` on a run,
  // a handoff filter's transcript, or a snapshot (the model's own answers go through
  // uniqueToolCalls first). Fix: add each kept or renamed id to the used set as the calls are
  // mapped, and check renames against it.
  it("two calls with the same id in one message: renamed apart, each with its result", () => {
    const repaired = repairTranscript([asks("x", "x"), result("x", "1"), result("x", "2")]);
    expect(findTranscriptProblems(repaired)).toEqual([]);
    expect(repaired.filter((m) => m.role === "tool")).toHaveLength(2);
  });

  it("a renamed call never takes the id of another call in the same message", () => {
    const repaired = repairTranscript([asks("a"), result("a"), asks("a", "a_2"), result("a"), result("a_2")]);
    expect(findTranscriptProblems(repaired)).toEqual([]);
  });
});

describe("findTranscriptProblems", () => {
  it("reports each problem with the index where a provider would see it", () => {
    const messages: Message[] = [
      result("0"),
      asks("1", "2"),
      result("1"),
      asks("1"),
      result("1"),
      result("1"),
      { role: "user", content: [image] },
    ];
    expect(findTranscriptProblems(messages)).toEqual([
      { index: 0, problem: "tool result 0 answers no open tool call" },
      { index: 3, problem: "tool call 2 has no result" },
      { index: 3, problem: "duplicate tool call id 1" },
      { index: 5, problem: "tool result 1 answers no open tool call" },
    ]);
  });

  it("a call left open at the end is reported at the end", () => {
    expect(findTranscriptProblems([asks("1")])).toEqual([{ index: 1, problem: "tool call 1 has no result" }]);
  });
});

describe("content text", () => {
  it("contentText joins text parts and stands in for the others", () => {
    expect(contentText("plain")).toBe("plain");
    expect(
      contentText([{ type: "text", text: "a" }, image, pdf, { type: "file", url: "https://x/y.pdf", mediaType: "application/pdf" }]),
    ).toBe("a\n[image]\n[file: spec.pdf]\n[file]");
    expect(hasMediaParts([{ type: "text", text: "a" }])).toBe(false);
    expect(hasMediaParts([image])).toBe(true);
    expect(hasMediaParts("x")).toBe(false);
  });

  it("lastAssistantText: the last assistant message's text, or nothing", () => {
    expect(
      lastAssistantText([
        { role: "assistant", content: "1" },
        { role: "user", content: "u" },
        { role: "assistant", content: "2" },
        result("x"),
      ]),
    ).toBe("2");
    expect(lastAssistantText([{ role: "user", content: "u" }])).toBe("");
  });
});

describe("checkMessages", () => {
  it("accepts messages with parts where parts may go, and copies the list", () => {
    const list: Message[] = [{ role: "user", content: [image] }, asks("1"), result("1", [pdf])];
    const checked = checkMessages(list, "messages");
    expect(checked).toEqual(list);
    expect(checked).not.toBe(list);
  });

  it.each<[string, unknown, string]>([
    ["not a list", { role: "user" }, "messages must be a list of messages; got an object."],
    [
      "an unknown role",
      [{ role: "bot", content: "x" }],
      'messages[0] is not a message { role: "system" | "user" | "assistant" | "tool", content }; got an object.',
    ],
    [
      "a class instance",
      [new Date()],
      'messages[0] is not a message { role: "system" | "user" | "assistant" | "tool", content }; got a Date.',
    ],
    [
      "parts on an assistant message",
      [{ role: "assistant", content: [image] }],
      "messages[0] (assistant) has content an array of 1; it must be a string.",
    ],
    [
      "a number as user content",
      [{ role: "user", content: 5 }],
      "messages[0] (user) has content 5; it must be a string or a list of parts.",
    ],
    [
      "a tool message without its call id",
      [{ role: "tool", name: "t", content: "x" }],
      "messages[0] is a tool message without a toolCallId.",
    ],
  ])("refuses %s, naming the item", (_, value, message) => {
    expect(checkMessages(value, "messages")).toBe(message);
  });
});
