/** The loopback redirect of the authorization code flow: its port, and the text of the pages it shows. Pure. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A stable loopback port per server (49152-65535), so a dynamically registered client stays valid across logins. */
export function stablePort(serverUrl: string): number {
  let hash = 0;
  for (let i = 0; i < serverUrl.length; i++) hash = (hash * 31 + serverUrl.charCodeAt(i)) | 0;
  return 49152 + ((hash >>> 0) % (65536 - 49152));
}
