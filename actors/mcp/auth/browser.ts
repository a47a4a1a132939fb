/** Opens a URL in the person's browser, where there is one (a desktop session); says whether it tried. */
import { spawn } from "node:child_process";

export function openInBrowser(url: string, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const [command, ...args] =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", '""', url]
        : env["DISPLAY"] || env["WAYLAND_DISPLAY"]
          ? ["xdg-open", url]
          : [];
  if (!command) return false;
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => undefined); // no opener installed: the printed URL is enough
    child.unref();
    return true;
  } catch {
    return false;
  }
}
