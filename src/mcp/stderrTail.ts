/** The last lines a server wrote to stderr, for error messages (bounded memory). */
export class StderrTail {
  private text = "";

  constructor(
    private readonly maxChars = 8192,
    private readonly maxLines = 20,
  ) {}

  push(chunk: string | Buffer): void {
    this.text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }

  /** The last lines, trimmed; empty when the server wrote nothing. */
  tail(): string {
    const text = this.text.slice(-this.maxChars).replace(/\s+$/, "");
    if (text === "") return "";
    return text.split(/\r?\n/).slice(-this.maxLines).join("\n");
  }
}
