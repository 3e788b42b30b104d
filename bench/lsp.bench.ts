// The language server on a generated 10,000-node graph, driven over stdio like an editor:
// diagnostics after an edit (didChange sent → publishDiagnostics received) and completion
// latency, beside the bare parse + check in this process (the baseline), in the same run.
// Run: npm run bench (after the build). Targets: diagnostics ≤ 100 ms, completion ≤ 30 ms.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompletionRequest, type CompletionItem } from "vscode-languageserver-protocol";
import { checkText } from "../src/graph/checker";
import { createModuleReader } from "../src/graph/module-reader";
import { startLspClient } from "../test/language-server/lsp-client";
import { machine, median, timeRuns } from "./stats";

const NODES = 10_000;
const RUNS = 21;

const dir = mkdtempSync(join(tmpdir(), "stepgraph-lsp-bench-"));
writeFileSync(join(dir, "steps.ts"), ["export const inc = (x: number): number => x + 1;", "export const add = (a: number, b: number): number => a + b;", "export async function scale(x: number, by: number): Promise<number> { return x * by; }"].join("\n"));
const lines = ["graph big", 'use "./steps.ts"', 'use "./steps.ts" as steps', "input seed"];
for (let i = 0; i < NODES; i++) {
  const a = i === 0 ? "seed" : `n${Math.floor(i / 2)}`;
  const b = i < 2 ? "seed" : `n${i - 1}`;
  const call = i % 3 === 0 ? `inc(${a})` : i % 3 === 1 ? `add(${a}, ${b})` : `steps.scale(${b}, 2)`;
  lines.push(`node n${i} = ${call}${i % 10 === 0 ? " [cache: 1h, retry: 2]" : ""}`);
}
const text = lines.join("\n");
const path = join(dir, "big.graph");
writeFileSync(path, text);

async function main(): Promise<void> {
  const modules = createModuleReader();
  checkText(text, { path, modules });
  const baseline = median(timeRuns(() => checkText(text, { path, modules }), RUNS));

  const client = await startLspClient();
  try {
    const uri = await client.open(path);
    const first = await client.diagnostics(uri, 1);
    if (first.length > 0) throw new Error(`the generated graph should check clean: ${JSON.stringify(first.slice(0, 2))}`);

    // Each edit appends a different node that uses the last one, so each version differs.
    let version = 1;
    const edited = (i: number) => `${text}\nnode extra = inc(n${NODES - 1 - (i % 100)})\n`;
    const diagnosticsTimes: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const started = performance.now();
      client.change(uri, edited(i));
      version++;
      await client.diagnostics(uri, version);
      if (i >= 3) diagnosticsTimes.push(performance.now() - started);
    }

    const endPosition = (typed: string) => ({ line: lines.length + 1, character: typed.length });
    const completionTimes = async (typed: string): Promise<{ times: number[]; items: number }> => {
      client.change(uri, `${text}\nnode extra = inc(n1)\n${typed}`);
      version++;
      await client.diagnostics(uri, version);
      let items = 0;
      const times: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const started = performance.now();
        const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: endPosition(typed) })) as CompletionItem[];
        if (i >= 3) times.push(performance.now() - started);
        items = result.length;
      }
      return { times, items };
    };
    const functions = await completionTimes("node more = ");
    const options = await completionTimes("node more = inc(n1) [");
    const names = await completionTimes("node more = add(n1, ");

    const rows: [string, number][] = [
      ["baseline: parse + check in this process (module reader warm), no LSP", baseline],
      ["diagnostics after an edit: didChange → publishDiagnostics", median(diagnosticsTimes)],
      [`completion of functions after \`=\` (${functions.items} items)`, median(functions.times)],
      [`completion of option names in \`[\` (${options.items} items)`, median(options.times)],
      [`completion of names in call arguments (${names.items} items)`, median(names.times)],
    ];
    console.log(`# lsp.bench: ${NODES} nodes, ${(text.length / 1024).toFixed(0)} KiB, median of ${RUNS} runs, built server over stdio`);
    console.log(`machine: ${machine()}; ${new Date().toISOString().slice(0, 10)}`);
    console.log("| what | median | ratio to baseline |");
    console.log("|---|---|---|");
    for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} ms | ${(ms / baseline).toFixed(2)} |`);
    const diagnosticsMs = rows[1][1];
    const completionMs = Math.max(rows[2][1], rows[3][1], rows[4][1]);
    console.log(diagnosticsMs <= 100 ? "target met: diagnostics <= 100 ms" : `TARGET MISSED: diagnostics ${diagnosticsMs.toFixed(1)} ms > 100 ms`);
    console.log(completionMs <= 30 ? "target met: completion <= 30 ms" : `TARGET MISSED: slowest completion ${completionMs.toFixed(1)} ms > 30 ms`);
  } finally {
    await client.stop();
  }
}

void main();
