/** A store file for CLI runs in tests (BATON_STORE), so no test writes to ~/.baton; removed after the file's tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

export function cliStore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-cli-store-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "runs.db");
}
