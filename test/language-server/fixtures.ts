// Examples copied to a scratch folder (tests edit them), and positions found by text.
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Position } from "vscode-languageserver-protocol";
import { repoRoot } from "../helpers";

/** A fresh copy of examples/NAME; returns its folder. */
export function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stepgraph-lsp-${name}-`));
  cpSync(join(repoRoot, "examples", name), dir, { recursive: true });
  return dir;
}

/** The position of the `occurrence`-th `needle` in `text`, moved `delta` characters in. */
export function positionOf(text: string, needle: string, occurrence = 0, delta = 0): Position {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' occurs fewer than ${occurrence + 1} times`);
  }
  offset += delta;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The position at the very end of `text`. */
export function endOf(text: string): Position {
  const lines = text.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}
