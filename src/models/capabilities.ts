/**
 * What a model accepts, applied to a request before it is sent: settings a known model refuses
 * are dropped (and reported), image and file parts become text placeholders for a known model
 * that cannot read them. Unknown models keep everything. Pure functions; the caller reports.
 */
import type { ModelSettings } from "../providers/types.js";
import type { ContentPart, Message } from "../transcript/index.js";
import { catalogEntry, type ModelCapabilities, type SettingName } from "./catalog.js";

/** A setting baton did not send: which model, which setting (`temperature`, `topP`, `extra.top_k`, …), why. */
export interface DroppedSetting {
  model: string;
  setting: string;
  reason: string;
}

/** What the catalog knows a model accepts; `{}` for a model it does not know. */
export function modelCapabilities(modelId: string): ModelCapabilities {
  return catalogEntry(modelId) ?? {};
}

function has(settings: ModelSettings, name: SettingName): boolean {
  if (name.startsWith("extra.")) return settings.extra?.[name.slice("extra.".length)] !== undefined;
  return settings[name as keyof Omit<ModelSettings, "extra">] !== undefined;
}

function without(settings: ModelSettings, name: SettingName): ModelSettings {
  if (name.startsWith("extra.")) {
    const extra = { ...settings.extra };
    delete extra[name.slice("extra.".length)];
    const out: ModelSettings = { ...settings, extra };
    if (Object.keys(extra).length === 0) delete out.extra;
    return out;
  }
  const out = { ...settings };
  delete out[name as keyof Omit<ModelSettings, "extra">];
  return out;
}

/**
 * The settings a model takes: those the catalog says the model refuses are removed and listed in
 * `dropped` (model, setting, reason). Unknown models keep every setting.
 */
export function checkSettings(modelId: string, settings: ModelSettings): { settings: ModelSettings; dropped: DroppedSetting[] } {
  const capabilities = modelCapabilities(modelId);
  let kept = settings;
  const dropped: DroppedSetting[] = [];
  for (const [name, reason] of Object.entries(capabilities.unsupportedSettings ?? {}) as Array<[SettingName, string]>) {
    if (!has(kept, name)) continue;
    kept = without(kept, name);
    dropped.push({ model: modelId, setting: name, reason });
  }
  for (const [keep, drop, reason] of capabilities.exclusiveSettings ?? []) {
    if (!has(kept, keep) || !has(kept, drop)) continue;
    kept = without(kept, drop);
    dropped.push({ model: modelId, setting: drop, reason });
  }
  return { settings: kept, dropped };
}

function placeholder(modelId: string, part: ContentPart): ContentPart {
  if (part.type === "image") return { type: "text", text: `[image omitted: ${modelId} cannot read images]` };
  const name = part.type === "file" && part.name ? ` ${part.name}` : "";
  return { type: "text", text: `[file${name} omitted: ${modelId} cannot read documents]` };
}

/**
 * The messages a model can read: image parts (for a model the catalog knows has no vision) and
 * file parts (no PDF input) become short text placeholders, one warning per kind saying how many.
 * Unknown models, and models that read both, get the messages unchanged.
 */
export function adaptContent(modelId: string, messages: readonly Message[]): { messages: Message[]; warnings: string[] } {
  const { vision, pdf } = modelCapabilities(modelId);
  const replace = (part: ContentPart) => (part.type === "image" && vision === false) || (part.type === "file" && pdf === false);
  if (vision !== false && pdf !== false) return { messages: [...messages], warnings: [] };
  const counts = { image: 0, file: 0 };
  const out = messages.map((message): Message => {
    if ((message.role !== "user" && message.role !== "tool") || typeof message.content === "string") return message;
    if (!message.content.some(replace)) return message;
    const content = message.content.map((part) => {
      if (!replace(part)) return part;
      counts[part.type as "image" | "file"]++;
      return placeholder(modelId, part);
    });
    return { ...message, content };
  });
  const warnings: string[] = [];
  if (counts.image > 0) warnings.push(`${modelId} cannot read images: ${counts.image} image(s) replaced by a text placeholder.`);
  if (counts.file > 0) warnings.push(`${modelId} cannot read documents: ${counts.file} file(s) replaced by a text placeholder.`);
  return { messages: out, warnings };
}
