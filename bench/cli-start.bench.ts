// How long `stepgraph --version` takes as a whole process, against a bare `node -e 0` started
// the same way in the same run (alternating, one of each per round). Target: within 2× of it.
// Also `stepgraph check` on the orders example, for reference: the start of a command that
// needs the rest of the CLI (dist/cli-main.js).
// Needs `npm run build`. Run: node esbuild.mjs --tests && node out/bench/cli-start.bench.js
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../test/helpers";
import { machine, median } from "./stats";

const ROUNDS = 31;
const TARGET_RATIO = 2;
const cli = join(repoRoot, "dist", "cli.js");
if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build' first`);

const commands: Record<string, string[]> = {
  "node -e 0": ["-e", "0"],
  "stepgraph --version": [cli, "--version"],
  "stepgraph check orders.graph": [cli, "check", join(repoRoot, "examples", "orders", "orders.graph")],
};

/** Milliseconds from spawning node to its exit (spawnSync waits for it; nothing is left running). */
function timeProcess(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: "ignore" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
  return elapsed;
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (const args of Object.values(commands)) timeProcess(args); // warm the file cache
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(commands);
  if (round % 2 === 1) names.reverse();
  for (const name of names) times[name].push(timeProcess(commands[name]));
}

const baseline = median(times["node -e 0"]);
console.log(`machine: ${machine()}; ${new Date().toISOString().slice(0, 10)}; ${ROUNDS} alternating rounds`);
for (const [name, values] of Object.entries(times)) {
  console.log(`${name.padEnd(30)} median ${median(values).toFixed(1)} ms  ${(median(values) / baseline).toFixed(2)}× node -e 0`);
}
const ratio = median(times["stepgraph --version"]) / baseline;
console.log(`stepgraph --version: ${ratio.toFixed(2)}× a bare node start (target ≤ ${TARGET_RATIO}×): ${ratio <= TARGET_RATIO ? "met" : "NOT met"}`);
