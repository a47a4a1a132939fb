import type { ToolSpec } from "../providers/types.js";

/**
 * A tool in a team's catalog: what the model sees (`spec`) and where calls go (`service`,
 * the systemId of the actor that answers TOOL.CALL: `tools:<team>` or `mcp:<server>`).
 */
export interface ToolEntry {
  spec: ToolSpec;
  service: string;
  /** The name the service knows the tool by (MCP tools may be renamed for the model). */
  remoteName: string;
  /** `local` or the MCP server name, for policies that narrow by server. */
  source: string;
}
