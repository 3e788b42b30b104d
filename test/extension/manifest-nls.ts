// package.json's "%key%" placeholders and their English texts in package.nls.json, which
// VS Code substitutes (translated, when a language pack ships package.nls.LANG.json).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../helpers";

const PLACEHOLDER = /^%([^%\s]+)%$/;

export function readManifest(): unknown {
  return JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
}

export function readNls(): Record<string, string> {
  return JSON.parse(readFileSync(join(repoRoot, "package.nls.json"), "utf8")) as Record<string, string>;
}

/** Every string value of `value`, with its path (e.g. "contributes.commands[0].title"). */
export function stringValues(value: unknown, path = ""): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringValues(item, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => stringValues(v, path === "" ? k : `${path}.${k}`));
  return [];
}

/** The key of a "%key%" placeholder, or undefined for any other string. */
export function placeholderKey(text: string): string | undefined {
  return PLACEHOLDER.exec(text)?.[1];
}

/** `value` as VS Code shows it in English: each placeholder replaced by its package.nls.json text (left as is when missing). */
export function localized(value: unknown, nls: Record<string, string> = readNls()): unknown {
  if (typeof value === "string") {
    const key = placeholderKey(value);
    return key !== undefined && key in nls ? nls[key] : value;
  }
  if (Array.isArray(value)) return value.map((item) => localized(item, nls));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localized(v, nls)]));
  return value;
}
