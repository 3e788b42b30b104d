// The graph view's English words, read from src/extension/views/graph-view-strings.ts (which
// needs VS Code to run): the tests check the texts users see, with no second copy to drift.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ViewStrings } from "../../src/webview/view-strings";
import { repoRoot } from "../helpers";

const source = readFileSync(join(repoRoot, "src", "extension", "views", "graph-view-strings.ts"), "utf8");

/** KEY: vscode.l10n.t("TEXT", ...) in `text`, by key. */
function entries(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, key, literal] of text.matchAll(/(\w+): vscode\.l10n\.t\(("(?:[^"\\]|\\.)*")/g)) found[key] = JSON.parse(literal) as string;
  return found;
}

/** The text of the `{ ... }` after `name: {` (no nested braces inside). */
function section(name: string): string {
  const match = new RegExp(`${name}: \\{([^}]*)\\}`).exec(source);
  if (!match) throw new Error(`graph-view-strings.ts has no ${name} section`);
  return match[1];
}

const states = entries(section("states"));
const kinds = entries(section("kinds"));
const rest = entries(source.replace(section("states"), "").replace(section("kinds"), ""));

export const STRINGS = { ...rest, states, kinds } as unknown as ViewStrings;
