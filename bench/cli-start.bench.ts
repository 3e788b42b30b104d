// How long `stepgraph --version` takes as a whole process, against a bare `node -e 0` started
// the same way in the same run (alternating, one of each per round). Target: within 2× of it.
// Also `stepgraph check` on the orders example, for reference: the start of a command that
// needs the rest of the CLI (dist/cli-main.js). Then a production worker: from its spawn until
// it prints that it serves its loop (on a redis-server of the bench's own, a graph deployed),
// against `node -e 0` from spawn to exit, alternating; and the same worker started from the
// whole command line's bundle (dist/cli-main.js, as `stepgraph worker` was before it had a
// bundle of its own). Target: the worker serving within 5× of the bare start.
// Needs `npm run build` and redis-server on PATH. Run: node esbuild.mjs --tests && node out/bench/cli-start.bench.js
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../test/helpers";
import { startTestRedis } from "../test/redis-harness";
import { machine, median } from "./stats";

const ROUNDS = 31;
const TARGET_RATIO = 2;
const WORKER_ROUNDS = 15;
const WORKER_TARGET_RATIO = 5;
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

// ---- a worker's start ----

const DEPLOY_KEY = "bench-deploy-key-0123456789abcdef";

/** Milliseconds from spawning `node ARGS` until `ready` (resolving when it is) says so; the process is then stopped and waited for. */
async function timeUntil(args: string[], env: NodeJS.ProcessEnv, ready: (output: string) => boolean): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  let elapsed: number | undefined;
  const readyAt = new Promise<void>((resolve, reject) => {
    const look = (data: Buffer) => {
      output += data.toString();
      if (elapsed === undefined && ready(output)) {
        elapsed = performance.now() - started;
        resolve();
      }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    void exited.then((code) => (elapsed === undefined ? reject(new Error(`node ${args.join(" ")} exited ${code} before it was ready: ${output}`)) : resolve()));
  });
  try {
    await readyAt;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  }
  return elapsed as number;
}

async function workerStart(): Promise<void> {
  const redis = await startTestRedis();
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-bench-worker-start-"));
  try {
    writeFileSync(join(dir, "nodes.ts"), "export function inc(n: number): number { return n + 1; }\n");
    writeFileSync(join(dir, "one.graph"), 'graph one\nuse "./nodes.ts"\ninput n\nnode a = inc(n)\nloop first { a }\noutput a\n');
    const env = { ...process.env, STEPGRAPH_DEPLOY_KEY: DEPLOY_KEY, STEPGRAPH_REDIS_URL: redis.url, STEPGRAPH_STATE_DIR: join(dir, "state") };
    const deployed = spawnSync(process.execPath, [cli, "deploy", join(dir, "one.graph")], { env, encoding: "utf8" });
    if (deployed.status !== 0) throw new Error(`deploy failed: ${deployed.stderr}`);
    const serving = (output: string) => output.includes("serving loop");
    const starts: Record<string, () => Promise<number>> = {
      "node -e 0": async () => {
        const started = performance.now();
        const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
        await new Promise((resolve) => child.once("exit", resolve));
        return performance.now() - started;
      },
      "stepgraph worker (dist/worker-main.js)": () => timeUntil([cli, "worker", "--graph", "one", "--loop", "first"], env, serving),
      "the same worker from dist/cli-main.js": () => timeUntil([join(repoRoot, "dist", "cli-main.js"), "worker", "--graph", "one", "--loop", "first"], env, serving),
    };
    const workerTimes: Record<string, number[]> = Object.fromEntries(Object.keys(starts).map((name) => [name, []]));
    for (const start of Object.values(starts)) await start(); // warm the file cache
    for (let round = 0; round < WORKER_ROUNDS; round++) {
      const names = Object.keys(starts);
      if (round % 2 === 1) names.reverse();
      for (const name of names) workerTimes[name].push(await starts[name]());
    }
    const bareMs = median(workerTimes["node -e 0"]);
    console.log(`a worker until it serves, ${WORKER_ROUNDS} alternating rounds:`);
    for (const [name, values] of Object.entries(workerTimes)) console.log(`${name.padEnd(40)} median ${median(values).toFixed(1)} ms  ${(median(values) / bareMs).toFixed(2)}× node -e 0`);
    const workerRatio = median(workerTimes["stepgraph worker (dist/worker-main.js)"]) / bareMs;
    console.log(`a worker serving: ${workerRatio.toFixed(2)}× a bare node start (target ≤ ${WORKER_TARGET_RATIO}×): ${workerRatio <= WORKER_TARGET_RATIO ? "met" : "NOT met"}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await redis.stop();
  }
}

void workerStart();
