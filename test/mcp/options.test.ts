import { describe, expect, it } from "vitest";
import { MCP_DEFAULTS, resolveMcpSettings, restartDelay } from "../../src/mcp/options.js";

describe("mcp options", () => {
  it("applies the documented defaults", () => {
    const settings = resolveMcpSettings();
    expect(settings).toEqual(MCP_DEFAULTS);
    expect(settings).toMatchObject({ callTimeoutMs: 60_000, connectTimeoutMs: 30_000 });
  });

  it("scales the HTTP liveness checks with short call timeouts", () => {
    expect(resolveMcpSettings({ callTimeoutMs: 2000 })).toMatchObject({ heartbeatMs: 500, probeTimeoutMs: 500 });
    expect(resolveMcpSettings({ callTimeoutMs: 100 })).toMatchObject({ heartbeatMs: 250, probeTimeoutMs: 250 });
  });

  it("backs off exponentially up to the cap", () => {
    const restart = resolveMcpSettings({ restart: { baseDelayMs: 100, maxDelayMs: 700 } }).restart;
    expect([1, 2, 3, 4, 5].map((n) => restartDelay(restart, n))).toEqual([100, 200, 400, 700, 700]);
    expect(resolveMcpSettings({ restart: { maxAttempts: 0 } }).restart.maxAttempts).toBe(0);
  });

  it("rejects nonsense with INVALID_OPTIONS", () => {
    expect(() => resolveMcpSettings({ callTimeoutMs: 0 })).toThrow(/mcp.callTimeoutMs must be a positive number/);
    expect(() => resolveMcpSettings({ connectTimeoutMs: Number.NaN })).toThrow(/connectTimeoutMs/);
    expect(() => resolveMcpSettings({ restart: { maxAttempts: -1 } })).toThrow(/restart.maxAttempts must be a non-negative number/);
  });
});
