// The development-mode engine, side by side with its floors in the same run:
//  1. a fully cached run of a generated 500-node graph against calling the same functions
//     directly in this process in the same topological order. Target: 0.3 ms or less of
//     overhead per cached node.
//  2. a cold run (no cache) of 100 independent 10 ms nodes feeding one join node on two node
//     hosts, against the same engine on one host (and the bare sum of the sleeps).
//     Target: two hosts at least 1.7 times faster than one.
//  3. a fully cached re-run of a node mapped over 2,000 elements: the overhead per cached
//     element, against the overhead per cached node of (1), measured in the same run.
// Needs `npm run build` (dist/node-host.js) and redis-server on PATH; starts its own
// redis-server on a free port and never touches any other.
// Run: node esbuild.mjs --tests && node out/bench/runtime.bench.js
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GraphModel } from "../src/graph/model";
import { openDevSession, type DevSession } from "../src/runtime/dev-session";
import { loadGraph } from "../src/runtime/graph-loader";
import { resolveJobInput } from "../src/runtime/job-input";
import type { CacheMode } from "../src/runtime/orchestrator";
import { repoRoot } from "../test/helpers";
import { startTestRedis, type TestRedis } from "../test/redis-harness";
import { chainGraphLines, STEP_FUNCTIONS } from "./generated-graph";
import { machine, median } from "./stats";

const NODES = 500;
const CACHED_RUNS = 15;
const DIRECT_RUNS = 200;
const WIDE = 100;
const SLEEP_MS = 10;
const COLD_RUNS = 7;
const ELEMENTS = 2000;
const MAP_RUNS = 15;
const CACHED_TARGET_MS = 0.3;
const SPEEDUP_TARGET = 1.7;

const hostScript = join(repoRoot, "dist", "node-host.js");
if (!existsSync(hostScript)) throw new Error(`${hostScript} is missing: run 'npm run build' first`);

const dir = mkdtempSync(join(tmpdir(), "stepgraph-bench-runtime-"));
const stateDir = join(dir, ".stepgraph");

// The node module: tiny functions, plus the 10 ms node and a join with one parameter per
// wide node (node functions get a context object after their arguments, so no rest parameter).
const joinParams = Array.from({ length: WIDE }, (_, i) => `v${i}: number`).join(", ");
const joinSum = Array.from({ length: WIDE }, (_, i) => `v${i}`).join(" + ");
writeFileSync(
  join(dir, "steps.ts"),
  [
    ...STEP_FUNCTIONS,
    `export async function sleep10(i: number): Promise<number> { await new Promise((resolve) => setTimeout(resolve, ${SLEEP_MS})); return i; }`,
    `export function join(${joinParams}): number { return ${joinSum}; }`,
  ].join("\n"),
);

const bigLines = chainGraphLines("cachedbig", NODES);
const bigGraph = join(dir, "big.graph");
writeFileSync(bigGraph, bigLines.join("\n"));

const wideLines = ["graph wide", 'use "./steps.ts"'];
for (let i = 0; i < WIDE; i++) wideLines.push(`node s${i} = sleep10(${i})`);
wideLines.push(`node total = join(${Array.from({ length: WIDE }, (_, i) => `s${i}`).join(", ")})`, "output total");
const wideGraph = join(dir, "wide.graph");
writeFileSync(wideGraph, wideLines.join("\n"));

const mapGraph = join(dir, "mapped.graph");
writeFileSync(mapGraph, ["graph mapped", 'use "./steps.ts"', "input list", "node out = inc(map list)", "output out"].join("\n"));

interface RunResult {
  openMs: number;
  runMs: number;
  /** From continue() to the first node finished: on a cold run, mostly starting the node hosts. */
  firstMs: number;
  statuses: Map<string, string>;
  outputs: Record<string, unknown>;
}

/** One job in a fresh session: opening it is timed apart from continue() → "finished". */
async function runJob(graphPath: string, payload: unknown, redisUrl: string, cacheMode: CacheMode, poolSize?: number): Promise<RunResult> {
  const openStarted = performance.now();
  const session: DevSession = await openDevSession({ graphPath, payload, redis: { kind: "url", url: redisUrl }, stateDir, cacheMode, poolSize, hostScript, stopOnError: false });
  const openMs = performance.now() - openStarted;
  try {
    const statuses = new Map<string, string>();
    let firstAt = NaN;
    session.orchestrator.on("nodeFinished", ({ node, status }) => {
      if (statuses.size === 0) firstAt = performance.now();
      statuses.set(node, status);
    });
    const finished = new Promise<{ outputs: Record<string, unknown>; failed: boolean }>((resolve) => session.orchestrator.once("finished", resolve));
    const started = performance.now();
    await session.orchestrator.continue();
    const { outputs, failed } = await finished;
    const runMs = performance.now() - started;
    if (failed) throw new Error(`the ${cacheMode} run of ${graphPath} failed: ${JSON.stringify([...statuses].filter(([, s]) => s !== "ran" && s !== "cached"))}`);
    return { openMs, runMs, firstMs: firstAt - started, statuses, outputs };
  } finally {
    await session.close();
  }
}

/** The floor: the same functions called in this process, in the graph's order, awaiting each. */
async function runDirect(graph: GraphModel, steps: Record<string, (...args: unknown[]) => unknown>, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = { ...inputs };
  for (const node of graph.nodes) {
    const args = node.args.map((arg) => (arg.kind === "literal" ? arg.value : values[arg.name]));
    values[node.name] = await steps[node.exportName](...args);
  }
  return values;
}

const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;

async function benchCached(redis: TestRedis): Promise<{ met: boolean; perNodeMs: number }> {
  const payload = { seed: 1 };
  // Warm the cache: every node runs once and is stored.
  const warm = await runJob(bigGraph, payload, redis.url, "use");
  const opens: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < CACHED_RUNS; i++) {
    const result = await runJob(bigGraph, payload, redis.url, "use");
    const notCached = [...result.statuses].filter(([, status]) => status !== "cached");
    if (result.statuses.size !== NODES || notCached.length > 0) {
      throw new Error(`a warm run should take all ${NODES} nodes from the cache; ${result.statuses.size} finished, not cached: ${notCached.slice(0, 5).map(([n, s]) => `${n}=${s}`).join(", ")}`);
    }
    opens.push(result.openMs);
    runs.push(result.runMs);
  }

  // The same functions in this process, from the very bundle the node hosts load.
  const loaded = await loadGraph(bigGraph, { stateDir });
  const graph = loaded.graph;
  const inputs = resolveJobInput(graph, payload);
  if (loaded.modules.size !== 1) throw new Error("the generated graph should use one module");
  const [built] = loaded.modules.values();
  const steps = createRequire(__filename)(built.bundlePath) as Record<string, (...args: unknown[]) => unknown>;
  const expected = await runDirect(graph, steps, inputs);
  for (const name of graph.outputs) {
    if (warm.outputs[name] !== expected[name]) throw new Error(`output ${name}: the engine gave ${String(warm.outputs[name])}, the direct calls ${String(expected[name])}`);
  }
  for (let i = 0; i < 20; i++) await runDirect(graph, steps, inputs);
  const direct: number[] = [];
  for (let i = 0; i < DIRECT_RUNS; i++) {
    const started = performance.now();
    await runDirect(graph, steps, inputs);
    direct.push(performance.now() - started);
  }

  const cachedMs = median(runs);
  const directMs = median(direct);
  const perNode = (cachedMs - directMs) / NODES;
  console.log(`## runtime.bench: fully cached run of a ${NODES}-node graph, median of ${CACHED_RUNS} runs (direct calls: ${DIRECT_RUNS})`);
  console.log("| what | median per run | per node | ratio to baseline |");
  console.log("|---|---|---|---|");
  console.log(`| baseline: the same functions called directly in one process, same order | ${ms(directMs, 3)} | ${ms(directMs / NODES, 4)} | 1 |`);
  console.log(`| stepgraph: continue() to "finished", every node cached (Redis) | ${ms(cachedMs)} | ${ms(cachedMs / NODES, 3)} | ${(cachedMs / directMs).toFixed(0)} |`);
  console.log(`per-node overhead of a cached node: (cached − direct) / ${NODES} = ${ms(perNode, 3)}`);
  console.log(`session open (graph load + module build + Redis connect): first ${ms(warm.openMs, 0)} (the first in this process, cold), then median ${ms(median(opens), 0)}`);
  console.log(`warm-up run (every node ran on the node hosts and was stored): ${ms(warm.runMs, 0)}`);
  const met = perNode <= CACHED_TARGET_MS;
  console.log(met ? `target met: ${ms(perNode, 3)} <= ${CACHED_TARGET_MS} ms per cached node` : `TARGET MISSED: ${ms(perNode, 3)} > ${CACHED_TARGET_MS} ms per cached node`);
  return { met, perNodeMs: perNode };
}

/** A cached re-run of one node mapped over ELEMENTS elements: the overhead per cached element, beside (1)'s per node. */
async function benchMap(redis: TestRedis, perNodeMs: number): Promise<void> {
  const payload = { list: Array.from({ length: ELEMENTS }, (_, i) => i) };
  const warm = await runJob(mapGraph, payload, redis.url, "use");
  const expected = payload.list.map((x) => (x + 1) % 1_000_003);
  if (JSON.stringify(warm.outputs.out) !== JSON.stringify(expected)) throw new Error("the mapped node gave another result than its elements");
  const runs: number[] = [];
  for (let i = 0; i < MAP_RUNS; i++) {
    const result = await runJob(mapGraph, payload, redis.url, "use");
    if (result.statuses.get("out") !== "cached") throw new Error(`a warm run should take every element from the cache; the node was ${result.statuses.get("out")}`);
    runs.push(result.runMs);
  }
  const direct: number[] = [];
  for (let i = 0; i < DIRECT_RUNS; i++) {
    const started = performance.now();
    payload.list.map((x) => (x + 1) % 1_000_003);
    direct.push(performance.now() - started);
  }
  const cachedMs = median(runs);
  const directMs = median(direct);
  const perElement = (cachedMs - directMs) / ELEMENTS;
  console.log(`## runtime.bench: fully cached re-run of one node mapped over ${ELEMENTS} elements, median of ${MAP_RUNS} runs`);
  console.log("| what | median per run | per element | ratio to baseline |");
  console.log("|---|---|---|---|");
  console.log(`| baseline: the element function applied to every element in one process | ${ms(directMs, 3)} | ${ms(directMs / ELEMENTS, 5)} | 1 |`);
  console.log(`| stepgraph: continue() to "finished", every element cached (Redis) | ${ms(cachedMs)} | ${ms(cachedMs / ELEMENTS, 4)} | ${(cachedMs / directMs).toFixed(0)} |`);
  console.log(`per-element overhead of a cached element: ${ms(perElement, 4)}, ${(perElement / perNodeMs).toFixed(2)}× the per-node overhead of a cached node (${ms(perNodeMs, 3)}, above)`);
  console.log(`warm-up run (every element ran on the node hosts and was stored): ${ms(warm.runMs, 0)}`);
}

async function benchCold(redis: TestRedis): Promise<boolean> {
  const payload = {};
  const runCold = async (poolSize: number) => {
    const result = await runJob(wideGraph, payload, redis.url, "off", poolSize);
    const notRan = [...result.statuses].filter(([, status]) => status !== "ran");
    if (result.statuses.size !== WIDE + 1 || notRan.length > 0) throw new Error(`a cold run should run all ${WIDE + 1} nodes; not ran: ${notRan.map(([n, s]) => `${n}=${s}`).join(", ")}`);
    return result;
  };
  // Unmeasured: the bundle built once, the files in the page cache.
  await runCold(1);
  await runCold(2);
  // Interleaved, so that a slow patch of this noisy machine hits both alike.
  const serialRuns: RunResult[] = [];
  const parallelRuns: RunResult[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    serialRuns.push(await runCold(1));
    parallelRuns.push(await runCold(2));
  }
  const serial = median(serialRuns.map((r) => r.runMs));
  const parallel = median(parallelRuns.map((r) => r.runMs));
  const serialFirst = median(serialRuns.map((r) => r.firstMs));
  const parallelFirst = median(parallelRuns.map((r) => r.firstMs));
  const serialAfter = median(serialRuns.map((r) => r.runMs - r.firstMs));
  const parallelAfter = median(parallelRuns.map((r) => r.runMs - r.firstMs));

  const sleeps: number[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    const started = performance.now();
    for (let i = 0; i < WIDE; i++) await new Promise((resolve) => setTimeout(resolve, SLEEP_MS));
    sleeps.push(performance.now() - started);
  }
  const sleepMs = median(sleeps);

  const speedUp = serial / parallel;
  console.log(`## runtime.bench: cold run (cache off) of ${WIDE} independent ${SLEEP_MS} ms nodes and a join, median of ${COLD_RUNS} runs`);
  console.log("| what | median per run | ratio to baseline |");
  console.log("|---|---|---|");
  console.log(`| reference: the ${WIDE} sleeps awaited one after another in one process | ${ms(sleepMs)} | ${(sleepMs / serial).toFixed(2)} |`);
  console.log(`| baseline: stepgraph, pool size 1 (serial) | ${ms(serial)} | 1.00 |`);
  console.log(`| stepgraph, pool size 2 | ${ms(parallel)} | ${(parallel / serial).toFixed(2)} |`);
  console.log(`speed-up of pool size 2 over pool size 1: ${speedUp.toFixed(2)}× (each run is a fresh session, so its times include starting the node hosts)`);
  console.log(
    `until the first node finished (starting the hosts, plus one node): pool size 1 ${ms(serialFirst, 0)}, pool size 2 ${ms(parallelFirst, 0)}; ` +
      `after it: ${ms(serialAfter, 0)} and ${ms(parallelAfter, 0)}, a speed-up of ${(serialAfter / parallelAfter).toFixed(2)}×`,
  );
  const met = speedUp >= SPEEDUP_TARGET;
  console.log(met ? `target met: ${speedUp.toFixed(2)}× >= ${SPEEDUP_TARGET}×` : `TARGET MISSED: ${speedUp.toFixed(2)}× < ${SPEEDUP_TARGET}×`);
  return met;
}

async function main(): Promise<void> {
  const redis = await startTestRedis();
  try {
    console.log(`# runtime.bench`);
    console.log(`machine: ${machine()}; ${new Date().toISOString().slice(0, 10)}; redis-server of our own at ${redis.url}`);
    console.log();
    const cached = await benchCached(redis);
    console.log();
    await benchCold(redis);
    console.log();
    await benchMap(redis, cached.perNodeMs);
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
