// Thousands of random mutations of the example graphs: the parser and checker never throw,
// never hang, and every diagnostic range lies inside the file and matches its offsets.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { checkText } from "../../src/graph/checker";
import { createModuleReader } from "../../src/graph/module-reader";
import type { Position } from "../../src/graph/text-range";
import { repoRoot } from "../helpers";

const MUTATIONS = 4000;
const SEED = Number(process.env.STEPGRAPH_FUZZ_SEED ?? 20261127);

/** mulberry32: a small seeded generator, so that a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = ["(", ")", "[", "]", "{", "}", ",", ":", "=", ".", '"', "\\", "\n", "\r\n", " ", "//", "-", "0", "1.5e3", "10ms", "5x", "node", "loop", "input", "output", "graph", "use", "as", "true", "null", "é", "😀", "\u0000", "\t", "a", "zz"];

function examples(): { path: string; text: string }[] {
  const dir = join(repoRoot, "examples");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".graph"))
    .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), "utf8") }));
}

function mutate(text: string, next: () => number): string {
  const pick = (n: number) => Math.floor(next() * n);
  let out = text;
  const edits = 1 + pick(4);
  for (let i = 0; i < edits; i++) {
    const at = pick(out.length + 1);
    switch (pick(4)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + 1 + pick(12));
        break;
      case 1: // insert fragments
        out = out.slice(0, at) + FRAGMENTS[pick(FRAGMENTS.length)] + FRAGMENTS[pick(FRAGMENTS.length)] + out.slice(at);
        break;
      case 2: {
        // duplicate a line elsewhere
        const lines = out.split("\n");
        lines.splice(pick(lines.length + 1), 0, lines[pick(lines.length)]);
        out = lines.join("\n");
        break;
      }
      default: {
        // swap two lines
        const lines = out.split("\n");
        const [a, b] = [pick(lines.length), pick(lines.length)];
        [lines[a], lines[b]] = [lines[b], lines[a]];
        out = lines.join("\n");
      }
    }
  }
  return out;
}

/** The position of an offset, counting \r\n, \r and \n as line ends, as the lexer does. */
function positionOf(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === "\r" && text[i + 1] === "\n") continue;
    if (text[i] === "\n" || text[i] === "\r") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

test(`${MUTATIONS} mutations of the examples never throw and keep every range inside the file`, { timeout: 120_000 }, () => {
  const sources = examples();
  assert.ok(sources.length >= 2, "the examples are there to mutate");
  const next = random(SEED);
  const modules = createModuleReader();
  let withDiagnostics = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const source = sources[i % sources.length];
    const text = mutate(source.text, next);
    const context = `mutation ${i} (seed ${SEED}) of ${source.path}:\n${text}`;
    const started = performance.now();
    const result = checkText(text, { path: source.path, modules });
    assert.ok(performance.now() - started < 2000, `took too long: ${context}`);
    if (result.diagnostics.length > 0) withDiagnostics++;
    for (const d of result.diagnostics) {
      const { startOffset, endOffset } = d.range;
      assert.ok(0 <= startOffset && startOffset <= endOffset && endOffset <= text.length, `range ${startOffset}-${endOffset} outside: ${context}`);
      assert.deepEqual(d.range.start, positionOf(text, startOffset), `start position disagrees with offset: ${context}`);
      assert.deepEqual(d.range.end, positionOf(text, endOffset), `end position disagrees with offset: ${context}`);
      assert.ok(d.message.length > 0 && /^SG\d{3}$/.test(d.code), `bad diagnostic ${JSON.stringify(d)}: ${context}`);
    }
  }
  // The mutations must mostly break the files, or the test proves little.
  assert.ok(withDiagnostics > MUTATIONS / 2, `only ${withDiagnostics} mutations produced diagnostics`);
});
