// Thousands of random mutations of the example graphs and of generated version 2 graphs
// (map, REF?, when conditions, use graph with named arguments, pin): the parser and checker
// never throw, never hang, and every diagnostic range lies inside the file and matches its
// offsets. The generated graphs themselves parse without a syntax error, and format stably.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { checkText } from "../../src/graph/checker";
import { formatGraph } from "../../src/graph/formatter";
import { createModuleReader } from "../../src/graph/module-reader";
import type { Diagnostic } from "../../src/graph/diagnostics";
import { parse } from "../../src/graph/parser";
import type { Position } from "../../src/graph/text-range";
import { fixturePath, repoRoot } from "../helpers";

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

const FRAGMENTS = [
  "(", ")", "[", "]", "{", "}", ",", ":", "=", ".", '"', "\\", "\n", "\r\n", " ", "//", "-", "0", "1.5e3", "10ms", "5x",
  "node", "loop", "input", "output", "graph", "use", "as", "true", "null", "é", "😀", "\u0000", "\t", "a", "zz",
  // version 2
  "map ", "when ", " not ", " and ", " or ", "?", "==", "!=", "<", "<=", ">", ">=", "!", "use graph ", '"./geo.graph"', "geo(", "address: ", "[pin: ", '"./p.json"',
];

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

const V2_GRAPHS = 300;
const V2_MUTATIONS = 2000;
/** Where the generated graphs live: beside the checker fixtures, so that ./nodes.ts and ./geo.graph resolve. */
const V2_PATH = fixturePath("graph", "fixtures", "checker", "fuzz.graph");

/** A random version 2 graph that is syntactically valid: map, REF?, when, subgraph calls, pins. */
function generateV2(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const names: string[] = ["id", "items"];
  const ref = (): string => `${pick(names)}${next() < 0.3 ? `.${pick(["total", "0", "map", "x"])}` : ""}${next() < 0.2 ? "?" : ""}`;
  const literal = (): string => pick(["1", "-2.5", '"s"', "true", "null", "[1, 2]", '{"k": [null]}']);
  const condition = (depth: number): string => {
    const r = next();
    if (depth > 3 || r < 0.3) return next() < 0.7 ? ref() : literal();
    // Comparisons do not chain: a comparison's left side is a value or in parentheses.
    if (r < 0.5) return `${next() < 0.5 ? ref() : `(${condition(depth + 1)})`} ${pick(["==", "!=", "<", "<=", ">", ">="])} ${next() < 0.5 ? ref() : literal()}`;
    if (r < 0.6) return `not ${condition(depth + 1)}`;
    if (r < 0.8) return `(${condition(depth + 1)})`;
    return `${condition(depth + 1)} ${pick(["and", "or"])} ${condition(depth + 1)}`;
  };
  const lines = ["graph fuzz", 'use "./nodes.ts"', 'use graph "./geo.graph" as geo', "input id", "input items"];
  const count = 1 + Math.floor(next() * 8);
  for (let i = 0; i < count; i++) {
    const name = `n${i}`;
    const call =
      next() < 0.3
        ? `geo(address: ${next() < 0.5 ? "map " : ""}${pick(names)}${next() < 0.5 ? `, country: ${literal()}` : ""})`
        : `${pick(["double", "sum", "fetchOrder", "all"])}(${next() < 0.4 ? "map " : ""}${ref()}${next() < 0.5 ? `, ${literal()}` : ""})`;
    // After `when`, a `[` opens the options: a condition starting with an array literal goes in parentheses.
    const when = next() < 0.5 ? ` when ${condition(0).replace(/^\[.*$/, (c) => `(${c})`)}` : "";
    const options = next() < 0.3 ? ` [${pick(['pin: "./pins/x.json"', "retry: 2", 'cache: 1h, pin: "a.json"'])}]` : "";
    lines.push(`node ${name} = ${call}${when}${options}${next() < 0.2 ? " // note" : ""}`);
    names.push(name);
  }
  return `${lines.join("\n")}\n`;
}

test(`${V2_GRAPHS} generated v2 graphs parse cleanly and format stably; ${V2_MUTATIONS} mutations of them never throw`, { timeout: 120_000 }, () => {
  const next = random(SEED + 2);
  const modules = createModuleReader();
  const generated = Array.from({ length: V2_GRAPHS }, () => generateV2(next));
  for (const text of generated) {
    assert.deepEqual(parse(text).diagnostics.map((d) => d.message), [], `a generated graph has syntax errors (seed ${SEED}):\n${text}`);
    const once = formatGraph(text);
    assert.ok(once.ok, `does not format: ${text}`);
    const twice = formatGraph(once.text);
    assert.ok(twice.ok && twice.text === once.text, `formatting is not stable:\n${once.text}`);
    checkAndAssertRanges(text, V2_PATH, modules, `generated (seed ${SEED}):\n${text}`);
  }
  let withDiagnostics = 0;
  for (let i = 0; i < V2_MUTATIONS; i++) {
    const text = mutate(generated[i % generated.length], next);
    if (checkAndAssertRanges(text, V2_PATH, modules, `v2 mutation ${i} (seed ${SEED}):\n${text}`) > 0) withDiagnostics++;
  }
  assert.ok(withDiagnostics > V2_MUTATIONS / 2, `only ${withDiagnostics} v2 mutations produced diagnostics`);
});

/** Checks a text and asserts what every check must hold; returns how many diagnostics it gave. */
function checkAndAssertRanges(text: string, path: string, modules: ReturnType<typeof createModuleReader>, context: string): number {
  const started = performance.now();
  const result = checkText(text, { path, modules });
  assert.ok(performance.now() - started < 2000, `took too long: ${context}`);
  assertRangesInside(text, result.diagnostics, context);
  return result.diagnostics.length;
}

/** Every range of `diagnostics` lies inside `text` and agrees with its offsets. */
function assertRangesInside(text: string, diagnostics: readonly Diagnostic[], context: string): void {
  for (const d of diagnostics) {
    const { startOffset, endOffset } = d.range;
    assert.ok(0 <= startOffset && startOffset <= endOffset && endOffset <= text.length, `range ${startOffset}-${endOffset} outside: ${context}`);
    assert.deepEqual(d.range.start, positionOf(text, startOffset), `start position disagrees with offset: ${context}`);
    assert.deepEqual(d.range.end, positionOf(text, endOffset), `end position disagrees with offset: ${context}`);
    assert.ok(d.message.length > 0 && /^SG\d{3}$/.test(d.code), `bad diagnostic ${JSON.stringify(d)}: ${context}`);
  }
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
    assertRangesInside(text, result.diagnostics, context);
  }
  // The mutations must mostly break the files, or the test proves little.
  assert.ok(withDiagnostics > MUTATIONS / 2, `only ${withDiagnostics} mutations produced diagnostics`);
});

// Version 2 of the language (map, when, optional references, subgraphs, pins), whole and in
// pieces: a parser that does not know it yet, or knows it partly, must still recover.
const V2_LINES = [
  "node enriched = enrich(map items, rates)          [retry: 2]",
  "node rows     = enrich(map order.lines, rates)",
  "node refund  = issueRefund(order)   when order.total > 100 and not order.flagged",
  'node gated = f(a) when a.b == "x" and not c?',
  "node notice  = sendNotice(order, refund?)",
  "node cond = f(x) when (a or (b and not (c != 1))) or d.e.0 >= 2",
  'use graph "./g.graph" as g',
  'use graph "./geo.graph" as geo',
  "node place = geo(address: customer.address, country: \"DE\")",
  "node n = g(a: x, b: y)",
  "node m = g(a: map xs, b: y?)",
  'node rates = pricing.loadRates(currency)   [pin: "./pins/rates.json"]',
  'node p = f(a) when a [pin: "p.json", cache: off]',
];
const V2_FRAGMENTS = ["map ", "map", "when ", " when", "not ", "and ", "or ", "?", "??", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", "use graph ", "graph ", "g(", "a: ", ": ", "pin: ", '"p.json"', "REF?", "map map", "when when", "((((", "))))", "not not not"];

function mutateV2(text: string, next: () => number): string {
  const pick = (n: number) => Math.floor(next() * n);
  const lines = text.split("\n");
  // Some v2 statements, then fragments of it anywhere, then the usual mutations.
  for (let i = 1 + pick(3); i > 0; i--) lines.splice(1 + pick(lines.length), 0, V2_LINES[pick(V2_LINES.length)]);
  let out = lines.join("\n");
  for (let i = pick(4); i > 0; i--) {
    const at = pick(out.length + 1);
    out = out.slice(0, at) + V2_FRAGMENTS[pick(V2_FRAGMENTS.length)] + out.slice(at);
  }
  return next() < 0.5 ? mutate(out, next) : out;
}

test(`${MUTATIONS} files with version 2 syntax, whole and broken, never crash the parser`, { timeout: 120_000 }, () => {
  const sources = examples();
  const next = random(SEED + 2);
  const modules = createModuleReader();
  for (let i = 0; i < MUTATIONS; i++) {
    const source = sources[i % sources.length];
    const text = mutateV2(source.text, next);
    const context = `v2 mutation ${i} (seed ${SEED + 2}) of ${source.path}:\n${text}`;
    const started = performance.now();
    const parsed = parse(text);
    assertRangesInside(text, parsed.diagnostics, context);
    for (const statement of parsed.file.statements) {
      assert.ok(statement.range.startOffset >= 0 && statement.range.endOffset <= text.length, `statement range outside: ${context}`);
    }
    assertRangesInside(text, checkText(text, { path: source.path, modules }).diagnostics, context);
    assert.ok(performance.now() - started < 2000, `took too long: ${context}`);
  }
});

test("every version 2 shape, deeply nested, parses in bounded time and depth", () => {
  const deepCondition = `graph g\ninput a\nnode n = f(a) when ${"(".repeat(50_000)}a${")".repeat(50_000)}\n`;
  const deepNot = `graph g\ninput a\nnode n = f(a) when ${"not ".repeat(50_000)}a\n`;
  const longChain = `graph g\ninput a\nnode n = f(a) when ${Array(50_000).fill("a.b == 1").join(" and ")}\n`;
  const manyNamed = `graph g\nuse graph "./g.graph" as g\nnode n = g(${Array.from({ length: 20_000 }, (_, i) => `a${i}: map x?`).join(", ")})\n`;
  for (const text of [deepCondition, deepNot, longChain, manyNamed]) {
    const parsed = parse(text);
    assertRangesInside(text, parsed.diagnostics, text.slice(0, 80));
    assertRangesInside(text, checkText(text, { path: "v2.graph" }).diagnostics, text.slice(0, 80));
  }
});
