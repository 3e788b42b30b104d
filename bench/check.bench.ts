// Parse and check a generated 10,000-node graph, side by side with TypeScript's own parser
// on the equivalent TypeScript file (the baseline), in the same run.
// Run: npm run bench. Target: the graph's parse + check in 100 ms or less.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { checkText } from "../src/graph/checker";
import { createModuleReader } from "../src/graph/module-reader";
import { parse } from "../src/graph/parser";
import { machine, median, timeRuns } from "./stats";

const NODES = 10_000;
const RUNS = 15;

const dir = mkdtempSync(join(tmpdir(), "stepgraph-bench-"));
writeFileSync(join(dir, "steps.ts"), ["export const inc = (x: number): number => x + 1;", "export const add = (a: number, b: number): number => a + b;", "export async function scale(x: number, by: number): Promise<number> { return x * by; }"].join("\n"));

// Each node uses one or two earlier nodes, so the graph is wide and deep with real edges.
const graphLines = ["graph big", 'use "./steps.ts"', "input seed"];
const tsLines = ['import { inc, add, scale } from "./steps";', "declare const seed: number;"];
for (let i = 0; i < NODES; i++) {
  const a = i === 0 ? "seed" : `n${Math.floor(i / 2)}`;
  const b = i < 2 ? "seed" : `n${i - 1}`;
  const [graphCall, tsCall] =
    i % 3 === 0 ? [`inc(${a})`, `inc(${a})`] : i % 3 === 1 ? [`add(${a}, ${b})`, `add(${a}, ${b})`] : [`scale(${b}, 2)`, `await scale(${b}, 2)`];
  graphLines.push(`node n${i} = ${graphCall}${i % 10 === 0 ? " [cache: 1h, retry: 2]" : ""}`);
  tsLines.push(`const n${i} = ${tsCall};`);
}
const graphText = graphLines.join("\n");
const tsText = tsLines.join("\n");
const path = join(dir, "big.graph");
writeFileSync(path, graphText);

const modules = createModuleReader();
const coldStarted = performance.now();
const first = checkText(graphText, { path, modules });
const coldMs = performance.now() - coldStarted;
if (first.diagnostics.length > 0 || first.graph?.nodes.length !== NODES) {
  throw new Error(`the generated graph should check clean: ${first.diagnostics.slice(0, 3).map((d) => d.message).join("; ")}`);
}

const parseOnly = median(timeRuns(() => parse(graphText), RUNS));
const parseAndCheck = median(timeRuns(() => checkText(graphText, { path, modules }), RUNS));
// The runnable model is built on first use of `.graph` (the runtime's need, not the editor's).
const withModel = median(timeRuns(() => checkText(graphText, { path, modules }).graph, RUNS));
const typescriptParse = median(timeRuns(() => ts.createSourceFile("big.ts", tsText, ts.ScriptTarget.ES2022, true), RUNS));

const row = (name: string, ms: number) => `| ${name} | ${ms.toFixed(1)} ms | ${(ms / typescriptParse).toFixed(2)} |`;
console.log(`# check.bench: ${NODES} nodes, ${(graphText.length / 1024).toFixed(0)} KiB, median of ${RUNS} runs`);
console.log(`machine: ${machine()}; ${new Date().toISOString().slice(0, 10)}`);
console.log("| what | median | ratio to baseline |");
console.log("|---|---|---|");
console.log(row("baseline: TypeScript createSourceFile on the equivalent .ts (parse only)", typescriptParse));
console.log(row("stepgraph parse", parseOnly));
console.log(row("stepgraph parse + check (module reader warm)", parseAndCheck));
console.log(row("stepgraph parse + check + the runnable model (what `run` and the debugger load)", withModel));
console.log(`first check including the cold read of the module with the TypeScript compiler: ${coldMs.toFixed(0)} ms`);
console.log(parseAndCheck <= 100 ? "target met: parse + check <= 100 ms" : `TARGET MISSED: parse + check ${parseAndCheck.toFixed(1)} ms > 100 ms`);
