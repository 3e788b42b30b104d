// Stepping over cached nodes in the debugger: the latency from a DAP `next` request to the
// `stopped` event, on a generated 200-node graph whose every node is already in the cache,
// over stdio (the adapter as the extension starts it) and over TCP (`stepgraph dap
// --server=PORT`, as other editors connect; the client's socket as Node makes it, Nagle on).
// Targets: p50 ≤ 1 ms and p99 ≤ 10 ms over both. Baseline, in the same run: the bare DAP round trip
// of the same client to the same adapter (a `threads` request, which does no engine work),
// timed the same way at every stop; for reference, the Orchestrator's own step() → "stopped"
// in this process, without the protocol.
// Needs `npm run build` (dist/debug-adapter.js, dist/node-host.js) and redis-server on PATH;
// starts its own redis-server on a free port and never touches any other.
// Run: node esbuild.mjs --tests && node out/bench/dap.bench.js
// With STEPGRAPH_BENCH_CPU_PROF=<folder>, every adapter it starts runs with --cpu-prof and
// writes its profile there.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDevSession } from "../src/runtime/dev-session";
import { repoRoot } from "../test/helpers";
import { startTestRedis, type TestRedis } from "../test/redis-harness";
import { launchAdapter, type Transport } from "./dap-client";
import { chainGraphLines, STEP_FUNCTIONS } from "./generated-graph";
import { machine, percentile } from "./stats";

const NODES = 200;
const SESSIONS = 3;
/** Steps counted as the start of a session, reported apart. */
const EARLY_STEPS = 50;
const P50_TARGET_MS = 1;
const P99_TARGET_MS = 10;
const TIMEOUT_MS = 30_000;

const adapterPath = join(repoRoot, "dist", "debug-adapter.js");
const hostScript = join(repoRoot, "dist", "node-host.js");
for (const file of [adapterPath, hostScript]) if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' first`);
const profileDir = process.env.STEPGRAPH_BENCH_CPU_PROF ? resolve(process.env.STEPGRAPH_BENCH_CPU_PROF) : undefined;

const dir = mkdtempSync(join(tmpdir(), "stepgraph-bench-dap-"));
const stateDir = join(dir, ".stepgraph");
writeFileSync(join(dir, "steps.ts"), STEP_FUNCTIONS.join("\n"));
const lines = chainGraphLines("dapbench", NODES);
lines.push(`output n${NODES - 1}`);
const graphPath = join(dir, "big.graph");
writeFileSync(graphPath, lines.join("\n"));
const payload = { seed: 1 };

const launch = (args: Record<string, unknown>, transport: Transport = "stdio") => launchAdapter(args, { transport, timeoutMs: TIMEOUT_MS, profileDir });

const launchArgs = (redis: TestRedis, stopOnEntry: boolean) => ({ graph: graphPath, input: payload, redisUrl: redis.url, cwd: dir, cache: "use", stopOnEntry });

/** Every node's status, from the adapter's "● name status" console lines. */
function statusesIn(output: readonly string[]): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const line of output.join("").split("\n")) {
    const match = /^● (\S+) (\S+) /.exec(line);
    if (match) statuses.set(match[1], match[2]);
  }
  return statuses;
}

/** One full run through the adapter, so that every node is in the cache. */
async function warmCache(redis: TestRedis): Promise<number> {
  const started = performance.now();
  const { client, output } = await launch(launchArgs(redis, false));
  try {
    await client.waitForEvent("terminated");
  } finally {
    await client.close();
  }
  const statuses = statusesIn(output);
  const bad = [...statuses].filter(([, s]) => s !== "ran" && s !== "cached");
  if (statuses.size !== NODES || bad.length > 0) throw new Error(`the warm-up run should finish all ${NODES} nodes; ${statuses.size} finished, bad: ${bad.slice(0, 5).join(", ")}`);
  return performance.now() - started;
}

interface DapSamples {
  /** next request → stopped event. */
  stopped: number[];
  /** next request → its response (sent before the node runs). */
  nextResponse: number[];
  /** threads request → its response, at each stop: the baseline. */
  threads: number[];
}

/** One debug session: stop on entry, then `next` over every node, timing each round trip. */
async function dapSession(redis: TestRedis, samples: DapSamples, transport: Transport): Promise<void> {
  const { client, output, nextStop } = await launch(launchArgs(redis, true), transport);
  try {
    const entry = await nextStop(1);
    if (entry.body.reason !== "entry") throw new Error(`expected a stop on entry, got '${entry.body.reason}'`);
    for (let i = 1; i < NODES; i++) {
      const started = performance.now();
      const stoppedPromise = nextStop(i + 1);
      const responded = client.nextRequest({ threadId: 1 }).then(() => performance.now() - started);
      const event = await stoppedPromise;
      samples.stopped.push(performance.now() - started);
      samples.nextResponse.push(await responded);
      if (event.body.reason !== "step") throw new Error(`expected a step stop, got '${event.body.reason}'`);
      // The baseline, at the same moment of the same session: a request that does no engine work.
      const threadsStarted = performance.now();
      await client.threadsRequest();
      samples.threads.push(performance.now() - threadsStarted);
    }
    // The last node: the job finishes instead of stopping.
    await Promise.all([client.waitForEvent("terminated"), client.nextRequest({ threadId: 1 })]);
  } finally {
    await client.close();
  }
  const statuses = statusesIn(output);
  const notCached = [...statuses].filter(([, s]) => s !== "cached");
  if (statuses.size !== NODES || notCached.length > 0) {
    throw new Error(`every node should come from the cache; ${statuses.size} finished, not cached: ${notCached.slice(0, 5).map(([n, s]) => `${n}=${s}`).join(", ")}`);
  }
}

/** The reference: the same stepping in this process, step() → "stopped", with a stop condition set (as the adapter sets one). */
async function inProcessSession(redis: TestRedis, samples: number[]): Promise<void> {
  const session = await openDevSession({ graphPath, payload, redis: { kind: "url", url: redis.url }, stateDir, cacheMode: "use", hostScript, stopOnError: true });
  try {
    const orchestrator = session.orchestrator;
    const statuses = new Map<string, string>();
    orchestrator.on("nodeFinished", ({ node, status }) => statuses.set(node, status));
    orchestrator.setStopCondition(() => false);
    orchestrator.stopOnEntry();
    for (let i = 1; i < NODES; i++) {
      const started = performance.now();
      const stopped = new Promise((done) => orchestrator.once("stopped", done));
      await orchestrator.step();
      await stopped;
      samples.push(performance.now() - started);
    }
    const finished = new Promise((done) => orchestrator.once("finished", done));
    await orchestrator.step();
    await finished;
    const notCached = [...statuses].filter(([, s]) => s !== "cached");
    if (statuses.size !== NODES || notCached.length > 0) throw new Error(`in process, every node should come from the cache; not cached: ${notCached.slice(0, 5).join(", ")}`);
  } finally {
    await session.close();
  }
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const redis = await startTestRedis();
  try {
    console.log("# dap.bench");
    console.log(`machine: ${machine()}; ${new Date().toISOString().slice(0, 10)}; redis-server of our own at ${redis.url}`);
    console.log();
    const warmMs = await warmCache(redis);
    const dap: DapSamples = { stopped: [], nextResponse: [], threads: [] };
    const tcp: DapSamples = { stopped: [], nextResponse: [], threads: [] };
    const inProcess: number[] = [];
    // Interleaved, so that a slow patch of this noisy machine hits all alike.
    for (let s = 0; s < SESSIONS; s++) {
      await dapSession(redis, dap, "stdio");
      await dapSession(redis, tcp, "tcp");
      await inProcessSession(redis, inProcess);
    }
    const rows: [string, number[]][] = [
      ["baseline: DAP `threads` request → response (no engine work), same client and adapter, at each stop (stdio)", dap.threads],
      ["reference: in process, Orchestrator step() → \"stopped\" (no DAP)", inProcess],
      ["stepgraph: DAP `next` → its response (sent before the node runs), stdio", dap.nextResponse],
      ["stepgraph: DAP `next` → `stopped` event, cached node, stdio", dap.stopped],
      ["baseline over TCP: `threads` → response, at each stop", tcp.threads],
      ["stepgraph over TCP (`stepgraph dap --server`): `next` → `stopped` event, cached node", tcp.stopped],
    ];
    const base = percentile(dap.threads, 50);
    console.log(`## dap.bench: \`next\` → \`stopped\` over cached nodes of a ${NODES}-node graph, ${SESSIONS} sessions, ${dap.stopped.length} steps`);
    console.log("| what | p50 | p90 | p99 | max | p50 ratio to baseline |");
    console.log("|---|---|---|---|---|---|");
    for (const [what, values] of rows) {
      const p50 = percentile(values, 50);
      console.log(`| ${what} | ${ms(p50)} | ${ms(percentile(values, 90))} | ${ms(percentile(values, 99))} | ${ms(Math.max(...values))} | ${(p50 / base).toFixed(1)} |`);
    }
    // Where the tail is: the first steps of a session overlap the node hosts starting (the pool starts them as the session opens).
    const early = (values: number[]) => values.filter((_, i) => i % (NODES - 1) < EARLY_STEPS);
    const late = (values: number[]) => values.filter((_, i) => i % (NODES - 1) >= EARLY_STEPS);
    console.log(
      `next → stopped in the first ${EARLY_STEPS} steps of each session: p50 ${ms(percentile(early(dap.stopped), 50))}, p99 ${ms(percentile(early(dap.stopped), 99))}; ` +
        `after them: p50 ${ms(percentile(late(dap.stopped), 50))}, p99 ${ms(percentile(late(dap.stopped), 99))} (threads baseline after them: p99 ${ms(percentile(late(dap.threads), 99))})`,
    );
    console.log(`warm-up run through the adapter (every node ran on the node hosts and was stored): ${warmMs.toFixed(0)} ms`);
    for (const [transport, samples] of [["stdio", dap], ["TCP", tcp]] as const) {
      const p50 = percentile(samples.stopped, 50);
      const p99 = percentile(samples.stopped, 99);
      const met = p50 <= P50_TARGET_MS && p99 <= P99_TARGET_MS;
      console.log(
        met
          ? `target met over ${transport}: p50 ${ms(p50)} <= ${P50_TARGET_MS} ms and p99 ${ms(p99)} <= ${P99_TARGET_MS} ms`
          : `TARGET MISSED over ${transport}: p50 ${ms(p50)} (target ${P50_TARGET_MS} ms), p99 ${ms(p99)} (target ${P99_TARGET_MS} ms)`,
      );
    }
    if (profileDir) console.log(`adapter CPU profiles written to ${profileDir}`);
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
