// Production mode against BullMQ and against a floor, on the same private Redis in the same run:
//  1. throughput: the three-loop chain `a = inc(n)`, `b = double(a)`, `c = dec(b)`, one loop
//     each, one worker process per loop at concurrency 50, 20,000 jobs, from the start of
//     submission until every job has completed. Baseline: the same chain on BullMQ (three
//     queues, one Worker process each at concurrency 50, completed jobs removed). Floor: the
//     same three hops done by three processes with bare list commands (BLMOVE into a
//     processing list, then LPUSH to the next list and LREM, pipelined) and no logic at all.
//     Target: Stepgraph 4 times BullMQ's jobs per second or more, and at most 4 Redis
//     commands per hop (every command Redis ran, a script's own included: INFO
//     commandstats); commands and bytes per job are reported for every system.
//     stepgraph-capture: the same stepgraph run with a capture point set on node `b` (the
//     `stepgraph capture` command running, its count large enough to record every job's call
//     of `b`): the cost of one capture point next to plain stepgraph.
//     stepgraph-nocapture: the same stepgraph workers from a worker bundle that the bench builds
//     with capture points compiled out (bench/worker-without-capture.ts): "the same run without
//     the feature". Target: stepgraph (no capture point set) within 2 % of it (the median of
//     the per-round ratios stepgraph / stepgraph-nocapture at least 0.98). Also the ratio of the
//     workers' CPU per job, which the machine's other work moves less than it moves the rate.
//     stepgraph-copy (not in the default systems): a control, the workers of a folder built as
//     stepgraph-nocapture's but with nothing cut out (dist/worker-main.js byte for byte): how
//     far apart two runs of the same code come out (stepgraph / stepgraph-copy).
//  2. recovery: one worker of a one-loop graph whose node sleeps 200 ms, at concurrency 50, is
//     killed with SIGKILL while jobs are in flight and a fresh worker started at once; timed
//     from the kill until the killed worker's jobs have completed. Target: 5 s or less.
//     BullMQ's figure (its default stalledInterval is 30 s) only with
//     STEPGRAPH_BENCH_BULLMQ_RECOVERY=1, since it adds about a minute to the run.
// Every system runs as real processes (`node dist/cli.js worker`, a BullMQ Worker script, a
// floor script), started for each round and stopped after it, so that only the system
// measured is running. Rounds alternate the order of the systems.
// Correctness, each round: every Stepgraph result is checked (all done, c right, none dead,
// the completed total exactly the jobs submitted), and with a capture point every call of `b`
// recorded (the capture command ends by itself once it has them all); with none, none is set.
// Needs `node esbuild.mjs` (dist/cli.js) and redis-server on PATH; starts its own
// redis-server on a free port and never touches any other Redis.
// Run: node esbuild.mjs && node esbuild.mjs --tests && node out/bench/production.bench.js
// Env: STEPGRAPH_BENCH_JOBS (default 20000), STEPGRAPH_BENCH_ROUNDS (default 3),
//      STEPGRAPH_BENCH_SYSTEMS (default stepgraph,stepgraph-nocapture,stepgraph-capture,bullmq,floor; also stepgraph-copy),
//      STEPGRAPH_BENCH_RECOVERY=0 (skip it),
//      STEPGRAPH_BENCH_BULLMQ_RECOVERY=1 [STEPGRAPH_BENCH_BULLMQ_RECOVERY_CAP_S=60],
//      STEPGRAPH_BENCH_CPU_PROF=<folder> (every worker process runs with --cpu-prof),
//      STEPGRAPH_BENCH_COPY_CLI=<another checkout's dist/cli.js> (stepgraph-copy runs that build's
//      workers instead: a change against the code before it, in the same run).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import type Redis from "ioredis";
import { QueueManager } from "../src/production/queue-manager";
import { QueueStore } from "../src/store/queue-store";
import { repoRoot } from "../test/helpers";
import { startTestRedis, type TestRedis } from "../test/redis-harness";
import { machine, median } from "./stats";
import { buildWorkerWithoutCapture } from "./worker-without-capture";

const JOBS = Number(process.env.STEPGRAPH_BENCH_JOBS ?? 20_000);
const ROUNDS = Number(process.env.STEPGRAPH_BENCH_ROUNDS ?? 3);
const WARMUP_JOBS = 1000;
const CONCURRENCY = 50;
const SUBMIT_CHUNK = 500;
const POLL_MS = 10;
const RATIO_TARGET = 4;
/** stepgraph with no capture point set against stepgraph-nocapture (the feature compiled out): within 2 %. */
const NO_CAPTURE_RATIO_TARGET = 0.98;
/** Redis commands per hop at most (every command Redis ran, those of scripts included). */
const COMMANDS_PER_HOP_TARGET = 4;
const RECOVERY_JOBS = 200;
const RECOVERY_SLEEP_MS = 200;
const RECOVERY_RUNS = 3;
const RECOVERY_TARGET_MS = 5000;
const BULLMQ_RECOVERY = process.env.STEPGRAPH_BENCH_BULLMQ_RECOVERY === "1";
/** How long BullMQ's recovery is waited for (STEPGRAPH_BENCH_BULLMQ_RECOVERY_CAP_S, default 60). */
const BULLMQ_RECOVERY_CAP_MS = Number(process.env.STEPGRAPH_BENCH_BULLMQ_RECOVERY_CAP_S ?? 60) * 1000;
const CPU_PROF_DIR = process.env.STEPGRAPH_BENCH_CPU_PROF;
/** Which systems to measure (comma-separated; default all) and whether to time recovery: for profiling one of them. */
const SYSTEM_NAMES: readonly string[] = ["stepgraph", "stepgraph-nocapture", "stepgraph-capture", "bullmq", "floor"] satisfies readonly System[];
const SYSTEMS = (process.env.STEPGRAPH_BENCH_SYSTEMS ?? SYSTEM_NAMES.join(",")).split(",").filter((s): s is System => SYSTEM_NAMES.includes(s) || s === "stepgraph-copy");
const RECOVERY = process.env.STEPGRAPH_BENCH_RECOVERY !== "0";
const DEPLOY_KEY = "bench-deploy-key-0123456789abcdef";
const LOOPS = ["first", "second", "third"] as const;

const cli = join(repoRoot, "dist", "cli.js");
if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'node esbuild.mjs' first`);
const requireFromRepo = createRequire(join(repoRoot, "package.json"));
const bullmqPath = requireFromRepo.resolve("bullmq");
const ioredisPath = requireFromRepo.resolve("ioredis");
const bullmqVersion = (JSON.parse(readFileSync(join(repoRoot, "node_modules", "bullmq", "package.json"), "utf8")) as { version: string }).version;

const dir = mkdtempSync(join(tmpdir(), "stepgraph-bench-production-"));
// The workers' os.tmpdir() (where a worker writes its verified artifact): inside our folder,
// so that a killed worker's leftovers go with it.
const workerTmp = join(dir, "tmp");
mkdirSync(workerTmp);

writeFileSync(
  join(dir, "nodes.ts"),
  `export function inc(n: number): number { return n + 1; }
export function double(n: number): number { return n * 2; }
export function dec(n: number): number { return n - 1; }
export async function slow(n: number): Promise<number> { await new Promise((resolve) => setTimeout(resolve, ${RECOVERY_SLEEP_MS})); return n * 2; }
`,
);
writeFileSync(
  join(dir, "chain.graph"),
  `graph chain
use "./nodes.ts"
input n
node a = inc(n)
node b = double(a)
node c = dec(b)
loop first { a } [concurrency: ${CONCURRENCY}]
loop second { b } [concurrency: ${CONCURRENCY}]
loop third { c } [concurrency: ${CONCURRENCY}]
output c
`,
);
writeFileSync(
  join(dir, "sleepy.graph"),
  `graph sleepy
use "./nodes.ts"
input n
node s = slow(n)
loop sleeping { s } [concurrency: ${CONCURRENCY}]
output s
`,
);

// The BullMQ baseline: one Worker per process. argv: port, prefix, mode (chain INDEX | recovery).
// chain: queue first/second/third; each processor adds the next queue's job, the last checks
// the result and counts it. recovery: queue sleepy; the processor sleeps and records when it finished.
writeFileSync(
  join(dir, "bullmq-worker.js"),
  `"use strict";
const { Worker, Queue } = require(${JSON.stringify(bullmqPath)});
const IORedis = require(${JSON.stringify(ioredisPath)});
const [port, prefix, mode, index] = process.argv.slice(2);
const connection = { host: "127.0.0.1", port: Number(port), maxRetriesPerRequest: null };
const counter = new IORedis(connection);
let worker, next;
if (mode === "chain") {
  const names = ["first", "second", "third"];
  const steps = [(n) => n + 1, (n) => n * 2, (n) => n - 1];
  const i = Number(index);
  next = i < 2 ? new Queue(names[i + 1], { connection, prefix }) : undefined;
  worker = new Worker(names[i], async (job) => {
    const v = steps[i](job.data.v);
    if (next) {
      await next.add("j", { n: job.data.n, v }, { removeOnComplete: true });
      return undefined;
    }
    if (v !== (job.data.n + 1) * 2 - 1) await counter.incr(prefix + ":bench:wrong");
    await counter.incr(prefix + ":bench:done");
    return v;
  }, { connection, prefix, concurrency: ${CONCURRENCY} });
} else {
  worker = new Worker("sleepy", async (job) => {
    await new Promise((resolve) => setTimeout(resolve, ${RECOVERY_SLEEP_MS}));
    await counter.hset(prefix + ":bench:done", job.id, Date.now());
    return job.data.n * 2;
  }, { connection, prefix, concurrency: ${CONCURRENCY} });
}
worker.on("error", (e) => console.error("worker error:", e && e.message));
worker.waitUntilReady().then(() => console.log("ready"));
process.once("SIGTERM", async () => {
  await worker.close();
  if (next) await next.close();
  counter.disconnect();
  process.exit(0);
});
`,
);

// The floor: moves jobs from one list to the next with bare commands, CONCURRENCY outstanding.
// argv: port, from, to, processing.
writeFileSync(
  join(dir, "floor-worker.js"),
  `"use strict";
const IORedis = require(${JSON.stringify(ioredisPath)});
const [port, from, to, processing] = process.argv.slice(2);
const options = { host: "127.0.0.1", port: Number(port), maxRetriesPerRequest: null };
const blocking = new IORedis(options);
const commands = new IORedis({ ...options, enableAutoPipelining: true });
async function slot() {
  for (;;) {
    const job = await blocking.blmove(from, processing, "RIGHT", "LEFT", 1);
    if (job === null) continue;
    await commands.pipeline().lpush(to, job).lrem(processing, -1, job).exec();
  }
}
Promise.all([blocking.ping(), commands.ping()]).then(() => {
  for (let i = 0; i < ${CONCURRENCY}; i++) slot().catch((e) => { console.error(e); process.exit(1); });
  console.log("ready");
});
process.once("SIGTERM", () => process.exit(0));
`,
);

// ---- processes ----

interface Proc {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const children = new Set<Proc>();

function start(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const prof = CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${name.replace(/[^\w.-]/g, "_")}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...prof, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (data: Buffer) => {
    output += data.toString();
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const proc: Proc = { name, child, output: () => output, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

async function untilOutput(proc: Proc, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.output().includes(text)) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before '${text}': ${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${proc.name} did not say '${text}' within ${timeoutMs} ms: ${proc.output()}`);
    await sleep(20);
  }
}

/** SIGTERM, then SIGKILL if it lingers; resolves to the exit code. */
async function stop(proc: Proc, graceMs = 20_000): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}

function killAll(): void {
  for (const proc of children) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGKILL");
}
process.on("exit", killAll);

const stepgraphEnv = (url: string): NodeJS.ProcessEnv => ({ STEPGRAPH_DEPLOY_KEY: DEPLOY_KEY, STEPGRAPH_REDIS_URL: url, STEPGRAPH_STATE_DIR: join(dir, ".stepgraph"), TMPDIR: workerTmp });

function deploy(file: string, url: string): void {
  const result = spawnSync(process.execPath, [cli, "deploy", join(dir, file), "--redis", url, "--json"], { cwd: dir, env: { ...process.env, ...stepgraphEnv(url) }, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`deploy ${file} failed (${result.status}): ${result.stderr}${result.stdout}`);
}

/** `workerCli`: dist/cli.js, or the copy of dist/ whose worker bundle has capture points compiled out. */
async function startStepgraphWorker(url: string, graph: string, loop: string, workerCli = cli): Promise<Proc> {
  const proc = start(`stepgraph-${graph}-${loop}`, [workerCli, "worker", "--graph", graph, "--loop", loop, "--concurrency", String(CONCURRENCY), "--redis", url], stepgraphEnv(url));
  await untilOutput(proc, "serving loop");
  return proc;
}

// ---- measuring ----

/** What a process has used so far, from /proc: CPU seconds (user + system), read and write system calls. */
function processUsage(pid: number | undefined): { cpu: number; reads: number; writes: number } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const count = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, "m").exec(io)?.[1] ?? NaN);
    return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, reads: count("syscr"), writes: count("syscw") };
  } catch {
    return { cpu: NaN, reads: NaN, writes: NaN };
  }
}

function workersUsage(workers: readonly Proc[]): { cpu: number; reads: number; writes: number } {
  const total = { cpu: 0, reads: 0, writes: 0 };
  for (const w of workers) {
    const usage = processUsage(w.child.pid);
    total.cpu += usage.cpu;
    total.reads += usage.reads;
    total.writes += usage.writes;
  }
  return total;
}

async function redisNetBytes(redis: Redis): Promise<{ input: number; output: number }> {
  const info = await redis.info("stats");
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? NaN);
  return { input: field("total_net_input_bytes"), output: field("total_net_output_bytes") };
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? NaN);
  return field("used_cpu_user") + field("used_cpu_sys");
}

interface CommandStat {
  command: string;
  calls: number;
  usec: number;
}

async function commandStats(redis: Redis): Promise<CommandStat[]> {
  const info = await redis.info("commandstats");
  const stats: CommandStat[] = [];
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) stats.push({ command: match[1], calls: Number(match[2]), usec: Number(match[3]) });
  return stats.sort((a, b) => b.usec - a.usec);
}

interface Measured {
  system: System;
  ms: number;
  jobsPerSecond: number;
  /** CPU milliseconds per job: the system's worker processes, redis-server, and this process (submitting, polling). */
  workerCpu: number;
  /** System calls per job of the worker processes (together): how well they batch their Redis traffic. */
  workerReads: number;
  workerWrites: number;
  redisCpu: number;
  benchCpu: number;
  stats: CommandStat[];
  /** Redis commands per job (every command Redis ran, a script's own included; this process's polls taken off). */
  commands: number;
  /** Bytes per job that Redis received and sent (INFO stats: total_net_input_bytes, total_net_output_bytes). */
  bytesIn: number;
  bytesOut: number;
}

type System = "stepgraph" | "stepgraph-nocapture" | "stepgraph-copy" | "stepgraph-capture" | "bullmq" | "floor";

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/**
 * Times `submit` (which enqueues `count` jobs) until `completed()` reaches `count`, with the CPU
 * every party used meanwhile.
 */
async function measure(system: System, count: number, redis: Redis, workers: readonly Proc[], submit: () => Promise<unknown>, completed: () => Promise<number>): Promise<Measured> {
  await redis.config("RESETSTAT");
  const workersBefore = workersUsage(workers);
  const redisCpuBefore = await redisCpuSeconds(redis);
  const benchCpuBefore = process.cpuUsage();
  const started = performance.now();
  const submitting = submit();
  let failed: unknown;
  submitting.catch((e: unknown) => (failed = e));
  // Each poll is one command of this process's (HGETALL, GET, LLEN), taken off the systems' count.
  let polls = 0;
  await until(
    async () => {
      if (failed !== undefined) throw failed;
      polls++;
      return (await completed()) >= count;
    },
    Math.max(120_000, count * 10),
    `${system} to complete ${count} jobs`,
  );
  const ms = performance.now() - started;
  await submitting;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const workersAfter = workersUsage(workers);
  const redisCpu = (await redisCpuSeconds(redis)) - redisCpuBefore;
  // Before anything else reads them: RESETSTAT zeroed these and the command counts.
  const bytes = await redisNetBytes(redis);
  const stats = await commandStats(redis);
  const calls = stats.filter((s) => !s.command.startsWith("config") && s.command !== "info").reduce((sum, s) => sum + s.calls, 0);
  return {
    system,
    ms,
    jobsPerSecond: (count / ms) * 1000,
    workerCpu: ((workersAfter.cpu - workersBefore.cpu) * 1000) / count,
    workerReads: (workersAfter.reads - workersBefore.reads) / count,
    workerWrites: (workersAfter.writes - workersBefore.writes) / count,
    redisCpu: (redisCpu * 1000) / count,
    benchCpu: (benchCpu.user + benchCpu.system) / 1000 / count,
    stats,
    commands: (calls - polls) / count,
    bytesIn: bytes.input / count,
    bytesOut: bytes.output / count,
  };
}

/** Unlinks every key matching `pattern` (our own Redis only). */
async function unlinkMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

// ---- the three systems ----

/**
 * stepgraph: dist/cli.js's workers, no capture point set; stepgraph-capture: the same, with a
 * capture point on node `b` that records every job's call of it; stepgraph-nocapture: the
 * workers of `folderCli` (capture points compiled out), no capture point set; stepgraph-copy:
 * the workers of `folderCli` (a copy of dist/worker-main.js), no capture point set.
 */
async function runStepgraph(redis: TestRedis, manager: QueueManager, round: number, system: "stepgraph" | "stepgraph-capture" | "stepgraph-nocapture" | "stepgraph-copy", folderCli?: string): Promise<Measured> {
  const capture = system === "stepgraph-capture";
  const workerCli = system === "stepgraph-nocapture" || system === "stepgraph-copy" ? folderCli : cli;
  if (workerCli === undefined) throw new Error(`${system}: its worker bundle was not built`);
  const workers: Proc[] = [];
  let capturing: Proc | undefined;
  try {
    for (const loop of LOOPS) workers.push(await startStepgraphWorker(redis.url, "chain", loop, workerCli));
    // Without one, none is set (a capture round's point was withdrawn when its command ended).
    const points = Object.keys(await manager.store.captureDefinitions());
    if (!capture && points.length > 0) throw new Error(`${system}: capture points are set (${points.join(", ")}), where none should be`);
    if (capture) {
      capturing = start("stepgraph-capture-b", [cli, "capture", "chain", "b", "--count", String(WARMUP_JOBS + JOBS), "--json", "--redis", redis.url], stepgraphEnv(redis.url));
      await untilOutput(capturing, "capturing b of chain on 1 worker");
    }
    const manifest = await manager.activeManifest();
    if (manifest === undefined) throw new Error("chain is not deployed");
    const completed = async () => (await manager.store.totals()).completed;
    const completedBefore = await completed();
    const submitAndWait = async (count: number, base: number) => {
      const before = await completed();
      const inputs = Array.from({ length: count }, (_, i) => ({ n: base + i }));
      let ids: string[] = [];
      const result = await measure(system, count, redis.client, workers, async () => (ids = await manager.submit(manifest, inputs)), async () => (await completed()) - before);
      return { result, ids, inputs };
    };
    // Warm-up, not counted: the workers' code compiled, their connections open.
    await submitAndWait(WARMUP_JOBS, 0).catch((e: unknown) => {
      throw new Error(`${system} warm-up: ${String(e)}\n${workers.map((w) => w.output()).join("\n")}`);
    });
    const { result, ids, inputs } = await submitAndWait(JOBS, round * 1_000_000);
    // Every result is checked: c = (n + 1) * 2 - 1.
    let wrong = 0;
    for (let start = 0; start < ids.length; start += 2000) {
      const outcomes = await manager.outcomes(ids.slice(start, start + 2000));
      outcomes.forEach((outcome, i) => {
        const n = inputs[start + i].n;
        if (outcome.status !== "done" || outcome.result.c !== (n + 1) * 2 - 1) wrong++;
      });
    }
    if (wrong > 0) throw new Error(`${system}: ${wrong} of ${JOBS} results missing or wrong`);
    const totals = await manager.store.totals();
    if (totals.dead > 0) throw new Error(`${system}: ${totals.dead} dead jobs`);
    // Every job completed once: the completed total grew by exactly the jobs of the round (warm-up included).
    if (totals.completed !== completedBefore + WARMUP_JOBS + JOBS) throw new Error(`${system}: ${totals.completed - completedBefore} jobs completed, not ${WARMUP_JOBS + JOBS}`);
    // It ends by itself once it has every call of `b`, warm-up included.
    if (capturing !== undefined) {
      const exited = await Promise.race([capturing.exited, sleep(30_000).then(() => "not yet")]);
      if (exited !== 0) throw new Error(`stepgraph-capture: the capture did not end with every call recorded (${String(exited)}): ${capturing.output().slice(-2000)}`);
    }
    return result;
  } finally {
    // Withdrawn on SIGTERM, before the workers go.
    if (capturing !== undefined) await stop(capturing);
    const codes = await Promise.all(workers.map((w) => stop(w)));
    if (codes.some((c) => c !== 0)) console.error(`a stepgraph worker exited with ${codes.join(", ")}`);
    // The round's results, so that Redis holds the same for every round and system.
    await unlinkMatching(redis.client, `${manager.store.keys.prefix}result:*`);
  }
}

async function runBullmq(redis: TestRedis, round: number): Promise<Measured> {
  const workers: Proc[] = [];
  const prefix = `bull${round}`;
  const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
  const first = new Queue("first", { connection, prefix });
  try {
    for (let i = 0; i < LOOPS.length; i++) {
      const proc = start(`bullmq-${LOOPS[i]}`, [join(dir, "bullmq-worker.js"), String(redis.port), prefix, "chain", String(i)]);
      workers.push(proc);
      await untilOutput(proc, "ready");
    }
    await first.waitUntilReady();
    let done = 0;
    const completed = async () => Number((await redis.client.get(`${prefix}:bench:done`)) ?? 0);
    const addAll = async (count: number, base: number) => {
      for (let start = 0; start < count; start += SUBMIT_CHUNK) {
        const size = Math.min(SUBMIT_CHUNK, count - start);
        await first.addBulk(Array.from({ length: size }, (_, i) => ({ name: "j", data: { n: base + start + i, v: base + start + i }, opts: { removeOnComplete: true } })));
      }
    };
    const submitAndWait = async (count: number, base: number) => {
      const before = done;
      const result = await measure("bullmq", count, redis.client, workers, () => addAll(count, base), async () => (done = await completed()) - before);
      return result;
    };
    await submitAndWait(WARMUP_JOBS, 0).catch((e: unknown) => {
      throw new Error(`bullmq warm-up: ${String(e)}\n${workers.map((w) => w.output()).join("\n")}`);
    });
    const result = await submitAndWait(JOBS, round * 1_000_000);
    const wrong = Number((await redis.client.get(`${prefix}:bench:wrong`)) ?? 0);
    if (wrong > 0) throw new Error(`bullmq: ${wrong} wrong results`);
    return result;
  } finally {
    await first.close();
    await Promise.all(workers.map((w) => stop(w)));
    await unlinkMatching(redis.client, `${prefix}:*`);
  }
}

async function runFloor(redis: TestRedis, round: number): Promise<Measured> {
  const workers: Proc[] = [];
  const list = (i: number) => `floor${round}:list:${i}`;
  try {
    for (let i = 0; i < LOOPS.length; i++) {
      const proc = start(`floor-${LOOPS[i]}`, [join(dir, "floor-worker.js"), String(redis.port), list(i), list(i + 1), `floor${round}:processing:${i}`]);
      workers.push(proc);
      await untilOutput(proc, "ready");
    }
    const done = list(LOOPS.length);
    const submitAndWait = async (count: number, base: number) => {
      const before = await redis.client.llen(done);
      return measure(
        "floor",
        count,
        redis.client,
        workers,
        async () => {
          for (let start = 0; start < count; start += SUBMIT_CHUNK) {
            const size = Math.min(SUBMIT_CHUNK, count - start);
            // About the size of a Stepgraph job message.
            await redis.client.lpush(list(0), ...Array.from({ length: size }, (_, i) => JSON.stringify({ id: String(base + start + i), v: 1, t: Date.now(), q: Date.now(), values: { n: String(base + start + i) } })));
          }
        },
        async () => (await redis.client.llen(done)) - before,
      );
    };
    await submitAndWait(WARMUP_JOBS, 0);
    const result = await submitAndWait(JOBS, round * 1_000_000);
    const left = await Promise.all([0, 1, 2].map((i) => redis.client.llen(`floor${round}:processing:${i}`)));
    if (left.some((n) => n > 0)) throw new Error(`floor: jobs left in processing lists: ${left.join(", ")}`);
    return result;
  } finally {
    await Promise.all(workers.map((w) => stop(w)));
    await unlinkMatching(redis.client, `floor${round}:*`);
  }
}

// ---- recovery ----

interface Recovery {
  /** How many jobs the killed worker held. */
  held: number;
  /** From the kill: the fresh worker serving, the first and the last of the killed worker's jobs completed. */
  freshMs: number;
  firstMs: number;
  allMs: number;
}

async function recoverStepgraph(redis: TestRedis, manager: QueueManager): Promise<Recovery> {
  const loop = "sleeping";
  const keys = manager.store.keys;
  const victim = await startStepgraphWorker(redis.url, "sleepy", loop);
  let fresh: Proc | undefined;
  try {
    const workerId = (await redis.client.smembers(keys.workers(loop))).find((id) => id.includes(`:${victim.child.pid}:`));
    if (workerId === undefined) throw new Error("the worker to kill is not registered");
    const manifest = await manager.activeManifest();
    if (manifest === undefined) throw new Error("sleepy is not deployed");
    const before = (await manager.store.totals()).completed;
    await manager.submit(manifest, Array.from({ length: RECOVERY_JOBS }, (_, n) => ({ n })));
    await until(async () => (await redis.client.llen(keys.processing(loop, workerId))) >= CONCURRENCY, 10_000, "the worker to hold a full load");
    await sleep(RECOVERY_SLEEP_MS * 1.5);

    const killedAt = Date.now();
    const killedAtPerf = performance.now();
    victim.child.kill("SIGKILL");
    fresh = start("stepgraph-sleepy-fresh", [cli, "worker", "--graph", "sleepy", "--loop", loop, "--concurrency", String(CONCURRENCY), "--redis", redis.url], stepgraphEnv(redis.url));
    await victim.exited;
    // Its processing list stays as it was until its lease expires and a live worker returns it.
    const held = (await redis.client.lrange(keys.processing(loop, workerId), 0, -1)).map((text) => (JSON.parse(text) as { id: string }).id);
    if (held.length === 0) throw new Error("the killed worker held no job");
    await untilOutput(fresh, "serving loop");
    const freshMs = performance.now() - killedAtPerf;
    let doneAt: number[] = [];
    await until(
      async () => {
        const pipeline = redis.client.pipeline();
        for (const id of held) pipeline.hget(keys.result(id), "done");
        doneAt = ((await pipeline.exec()) ?? []).map(([, value]) => Number(value ?? NaN));
        return doneAt.every((t) => t > 0);
      },
      30_000,
      "the killed worker's jobs to complete",
    );
    await until(async () => (await manager.store.totals()).completed - before >= RECOVERY_JOBS, 30_000, "every recovery job to complete");
    return { held: held.length, freshMs, firstMs: Math.min(...doneAt) - killedAt, allMs: Math.max(...doneAt) - killedAt };
  } finally {
    victim.child.kill("SIGKILL");
    if (fresh) await stop(fresh);
    await unlinkMatching(redis.client, `${keys.prefix}result:*`);
  }
}

async function recoverBullmq(redis: TestRedis): Promise<Recovery & { capped: boolean }> {
  const prefix = "bullrec";
  const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue("sleepy", { connection, prefix });
  const workerArgs = [join(dir, "bullmq-worker.js"), String(redis.port), prefix, "recovery"];
  const victim = start("bullmq-sleepy", workerArgs);
  let fresh: Proc | undefined;
  try {
    await untilOutput(victim, "ready");
    await queue.addBulk(Array.from({ length: RECOVERY_JOBS }, (_, n) => ({ name: "j", data: { n }, opts: { removeOnComplete: true } })));
    const active = `${prefix}:sleepy:active`;
    await until(async () => (await redis.client.llen(active)) >= CONCURRENCY, 10_000, "the BullMQ worker to hold a full load");
    await sleep(RECOVERY_SLEEP_MS * 1.5);
    const killedAt = Date.now();
    const killedAtPerf = performance.now();
    victim.child.kill("SIGKILL");
    fresh = start("bullmq-sleepy-fresh", workerArgs);
    await victim.exited;
    const held = await redis.client.lrange(active, 0, -1);
    await untilOutput(fresh, "ready");
    const freshMs = performance.now() - killedAtPerf;
    let doneAt: number[] = [];
    let capped = false;
    await until(
      async () => {
        const values = held.length > 0 ? await redis.client.hmget(`${prefix}:bench:done`, ...held) : [];
        doneAt = values.map((value) => Number(value ?? NaN));
        if (doneAt.every((t) => t > killedAt)) return true;
        if (Date.now() - killedAt > BULLMQ_RECOVERY_CAP_MS) {
          capped = true;
          return true;
        }
        return false;
      },
      BULLMQ_RECOVERY_CAP_MS + 10_000,
      "BullMQ to run the killed worker's jobs again",
    );
    const after = doneAt.filter((t) => t > killedAt);
    return { held: held.length, freshMs, firstMs: after.length > 0 ? Math.min(...after) - killedAt : NaN, allMs: capped ? NaN : Math.max(...doneAt) - killedAt, capped };
  } finally {
    victim.child.kill("SIGKILL");
    if (fresh) await stop(fresh);
    await queue.close();
    await unlinkMatching(redis.client, `${prefix}:*`);
  }
}

// ---- report ----

const fmt = (value: number, digits = 0) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function reportThroughput(results: Record<System, Measured[]>): void {
  const med = (system: System, pick: (m: Measured) => number) => median(results[system].map(pick));
  const rate = (system: System) => med(system, (m) => m.jobsPerSecond);
  const has = (system: System) => results[system].length > 0;
  const labels: Record<System, string> = {
    bullmq: `baseline: BullMQ ${bullmqVersion}, three queues, a Worker process each at concurrency ${CONCURRENCY}, removeOnComplete`,
    floor: "floor: three processes moving the jobs from list to list with bare commands (BLMOVE, then LPUSH + LREM pipelined), no logic",
    stepgraph: "stepgraph: three loop workers (`stepgraph worker`), jobs submitted through the QueueManager",
    "stepgraph-nocapture": "stepgraph-nocapture: the same workers, from a worker bundle with capture points compiled out (bench/worker-without-capture.ts)",
    "stepgraph-copy": "stepgraph-copy (control): the same workers, from a copy of the worker bundle built the same way with nothing cut out",
    "stepgraph-capture": "stepgraph-capture: the same as stepgraph, with `stepgraph capture chain b` recording every call of node b",
  };
  const shown = (["bullmq", "floor", "stepgraph", "stepgraph-nocapture", "stepgraph-copy", "stepgraph-capture"] as const).filter(has);
  const base: System = has("bullmq") ? "bullmq" : shown[0];
  console.log();
  console.log(`## production.bench: the three-loop chain, ${fmt(JOBS)} jobs, one worker process per loop at concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds`);
  console.log(`| what | median time | median jobs/s | ratio to ${base === "bullmq" ? "BullMQ" : base} |`);
  console.log("|---|---|---|---|");
  for (const system of shown) console.log(`| ${labels[system]} | ${seconds(med(system, (m) => m.ms))} | ${fmt(rate(system))} | ${(rate(system) / rate(base)).toFixed(2)} |`);
  console.log();
  console.log("Where the cost is (medians per job; workers: the three worker processes together; submitter: this process, submitting and polling):");
  console.log("| system | CPU ms: workers | Redis | submitter | worker syscalls: writes, reads | Redis command µs | Redis commands (µs, calls) of the last round |");
  console.log("|---|---|---|---|---|---|---|");
  for (const system of shown) {
    const last = results[system][results[system].length - 1].stats;
    const total = last.filter((s) => !s.command.startsWith("config") && s.command !== "info").reduce((sum, s) => sum + s.usec, 0);
    const top = last.slice(0, 7).map((s) => `${s.command} ${fmt(s.usec / JOBS, 1)} (${fmt(s.calls / JOBS, 2)})`);
    console.log(
      `| ${system} | ${fmt(med(system, (m) => m.workerCpu), 3)} | ${fmt(med(system, (m) => m.redisCpu), 3)} | ${fmt(med(system, (m) => m.benchCpu), 3)} | ${fmt(med(system, (m) => m.workerWrites), 2)}, ${fmt(med(system, (m) => m.workerReads), 2)} | ${fmt(total / JOBS, 1)} | ${top.join(", ")} |`,
    );
  }
  console.log("(a script's µs include the commands it calls, which are also counted under their own names)");
  console.log();
  console.log(`Redis's traffic (medians per job, from INFO commandstats and INFO stats; every command Redis ran, those a script calls included; the bench's own polls taken off; ${LOOPS.length} hops a job):`);
  console.log("| system | Redis commands per job | per hop | bytes to Redis per job | bytes from Redis per job |");
  console.log("|---|---|---|---|---|");
  for (const system of shown) {
    const commands = med(system, (m) => m.commands);
    console.log(`| ${system} | ${fmt(commands, 1)} | ${fmt(commands / LOOPS.length, 2)} | ${fmt(med(system, (m) => m.bytesIn))} | ${fmt(med(system, (m) => m.bytesOut))} |`);
  }
  if (has("stepgraph")) {
    const perHop = med("stepgraph", (m) => m.commands) / LOOPS.length;
    console.log(perHop <= COMMANDS_PER_HOP_TARGET ? `target met: ${perHop.toFixed(2)} Redis commands per hop <= ${COMMANDS_PER_HOP_TARGET}` : `TARGET MISSED: ${perHop.toFixed(2)} Redis commands per hop > ${COMMANDS_PER_HOP_TARGET}`);
  }
  if (has("stepgraph") && has("stepgraph-nocapture")) {
    // The two of a round ran one after the other (the order alternating), so these see the same machine.
    const perRound = results.stepgraph.map((m, i) => m.jobsPerSecond / results["stepgraph-nocapture"][i].jobsPerSecond);
    const ratio = median(perRound);
    console.log(
      `stepgraph / stepgraph-nocapture (no capture point set, against the feature compiled out): median of the per-round ratios ${ratio.toFixed(3)}×; per round ${perRound.map((r) => `${r.toFixed(3)}×`).join(", ")}; ratio of the medians ${(rate("stepgraph") / rate("stepgraph-nocapture")).toFixed(3)}×`,
    );
    const within = `within 2 % (>= ${NO_CAPTURE_RATIO_TARGET}×)`;
    console.log(ratio >= NO_CAPTURE_RATIO_TARGET ? `target met: ${ratio.toFixed(3)}× is ${within}` : `TARGET MISSED: ${ratio.toFixed(3)}× is not ${within}`);
    const cpu = results.stepgraph.map((m, i) => m.workerCpu / results["stepgraph-nocapture"][i].workerCpu);
    console.log(`workers' CPU per job, stepgraph / stepgraph-nocapture: median of the per-round ratios ${median(cpu).toFixed(3)}×; per round ${cpu.map((r) => `${r.toFixed(3)}×`).join(", ")}`);
  }
  if (has("stepgraph") && has("stepgraph-copy")) {
    const perRound = results.stepgraph.map((m, i) => m.jobsPerSecond / results["stepgraph-copy"][i].jobsPerSecond);
    const cpu = results.stepgraph.map((m, i) => m.workerCpu / results["stepgraph-copy"][i].workerCpu);
    console.log(`control, stepgraph / stepgraph-copy (the same code): jobs/s median of the per-round ratios ${median(perRound).toFixed(3)}×, per round ${perRound.map((r) => `${r.toFixed(3)}×`).join(", ")}; workers' CPU per job ${median(cpu).toFixed(3)}×, per round ${cpu.map((r) => `${r.toFixed(3)}×`).join(", ")}`);
  }
  if (has("stepgraph") && has("stepgraph-capture")) {
    const perRound = results["stepgraph-capture"].map((m, i) => m.jobsPerSecond / results.stepgraph[i].jobsPerSecond);
    console.log(`stepgraph-capture / stepgraph (one capture point recording every job): ${(rate("stepgraph-capture") / rate("stepgraph")).toFixed(3)}× (ratio of the medians); median of the per-round ratios ${median(perRound).toFixed(3)}×; per round ${perRound.map((r) => `${r.toFixed(3)}×`).join(", ")}`);
  }
  console.log(`per round (jobs/s): ${shown.map((s) => `${s} ${results[s].map((m) => fmt(m.jobsPerSecond)).join(", ")}`).join("; ")}`);
  if (has("stepgraph") && has("bullmq")) {
    const ratio = rate("stepgraph") / rate("bullmq");
    // The two systems of a round ran a few seconds apart, so these see the same machine (its speed varies with the host's load).
    const perRound = results.stepgraph.map((m, i) => m.jobsPerSecond / results.bullmq[i].jobsPerSecond);
    console.log(`stepgraph / BullMQ per round: ${perRound.map((r) => `${r.toFixed(2)}×`).join(", ")} (median ${median(perRound).toFixed(2)}×)`);
    console.log(`stepgraph / BullMQ: ${ratio.toFixed(2)}×${has("floor") ? `; stepgraph / floor: ${(rate("stepgraph") / rate("floor")).toFixed(2)}×; BullMQ / floor: ${(rate("bullmq") / rate("floor")).toFixed(2)}×` : ""}`);
    console.log(ratio >= RATIO_TARGET ? `target met: ${ratio.toFixed(2)}× >= ${RATIO_TARGET}× BullMQ` : `TARGET MISSED: ${ratio.toFixed(2)}× < ${RATIO_TARGET}× BullMQ`);
  }
}

async function reportRecovery(redis: TestRedis, sleepy: QueueManager): Promise<void> {
  console.log();
  const recoveries: Recovery[] = [];
  for (let i = 0; i < RECOVERY_RUNS; i++) recoveries.push(await recoverStepgraph(redis, sleepy));
  console.log(`## production.bench: a killed worker's jobs (SIGKILL mid-run; ${RECOVERY_JOBS} jobs of ${RECOVERY_SLEEP_MS} ms at concurrency ${CONCURRENCY}; a fresh worker started at once), median of ${RECOVERY_RUNS} kills`);
  console.log("| what | jobs held by the killed worker | fresh worker serving | first of them completed | all of them completed |");
  console.log("|---|---|---|---|---|");
  console.log(
    `| stepgraph (lease 3 s, renewed every 1 s; reaper every 1 s) | ${median(recoveries.map((r) => r.held))} | ${seconds(median(recoveries.map((r) => r.freshMs)))} | ${seconds(median(recoveries.map((r) => r.firstMs)))} | ${seconds(median(recoveries.map((r) => r.allMs)))} |`,
  );
  let bullmq: (Recovery & { capped: boolean }) | undefined;
  if (BULLMQ_RECOVERY) {
    bullmq = await recoverBullmq(redis);
    console.log(
      `| BullMQ ${bullmqVersion} defaults (lockDuration 30 s, stalledInterval 30 s), one run | ${bullmq.held} | ${seconds(bullmq.freshMs)} | ${Number.isNaN(bullmq.firstMs) ? "-" : seconds(bullmq.firstMs)} | ${bullmq.capped ? `over ${BULLMQ_RECOVERY_CAP_MS / 1000} s (capped)` : seconds(bullmq.allMs)} |`,
    );
  } else {
    console.log("(BullMQ's recovery: set STEPGRAPH_BENCH_BULLMQ_RECOVERY=1; it adds about a minute)");
  }
  console.log(`per kill (all completed): ${recoveries.map((r) => seconds(r.allMs)).join(", ")}`);
  const recoveryMs = median(recoveries.map((r) => r.allMs));
  console.log(recoveryMs <= RECOVERY_TARGET_MS ? `target met: ${seconds(recoveryMs)} <= ${RECOVERY_TARGET_MS / 1000} s` : `TARGET MISSED: ${seconds(recoveryMs)} > ${RECOVERY_TARGET_MS / 1000} s`);
}

let privateRedis: TestRedis | undefined;

async function main(): Promise<void> {
  const redis = await startTestRedis();
  privateRedis = redis;
  const stores: QueueStore[] = [];
  const manager = async (graph: string) => {
    const store = await QueueStore.open(redis.url, graph);
    stores.push(store);
    return new QueueManager(store);
  };
  try {
    console.log("# production.bench");
    console.log(`machine: ${machine()}; ${new Date().toISOString().slice(0, 10)}; redis-server ${(await redis.client.info("server")).match(/redis_version:(\S+)/)?.[1]} of our own at ${redis.url}; BullMQ ${bullmqVersion}`);
    // Other work on the machine shows in every figure here: a load average over about 1 before the run means a noisy run.
    console.log(`load average before the run: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
    deploy("chain.graph", redis.url);
    deploy("sleepy.graph", redis.url);
    const chain = await manager("chain");

    // Built before the rounds, into our folder (removed at the end).
    const nocaptureCli = SYSTEMS.includes("stepgraph-nocapture") ? await buildWorkerWithoutCapture(repoRoot, join(dir, "worker-without-capture")) : undefined;
    const copyCli = process.env.STEPGRAPH_BENCH_COPY_CLI ?? (SYSTEMS.includes("stepgraph-copy") ? await buildWorkerWithoutCapture(repoRoot, join(dir, "worker-copy"), false) : undefined);
    const results: Record<System, Measured[]> = { stepgraph: [], "stepgraph-nocapture": [], "stepgraph-copy": [], "stepgraph-capture": [], bullmq: [], floor: [] };
    const run: Record<System, (round: number) => Promise<Measured>> = {
      stepgraph: (round) => runStepgraph(redis, chain, round, "stepgraph"),
      "stepgraph-nocapture": (round) => runStepgraph(redis, chain, round, "stepgraph-nocapture", nocaptureCli),
      "stepgraph-copy": (round) => runStepgraph(redis, chain, round, "stepgraph-copy", copyCli),
      "stepgraph-capture": (round) => runStepgraph(redis, chain, round, "stepgraph-capture"),
      bullmq: (round) => runBullmq(redis, round),
      floor: (round) => runFloor(redis, round),
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? SYSTEMS : [...SYSTEMS].reverse();
      for (const system of order) {
        const measured = await run[system](round);
        results[system].push(measured);
        console.log(`round ${round} ${system}: ${fmt(measured.ms)} ms, ${fmt(measured.jobsPerSecond)} jobs/s`);
      }
    }
    if (SYSTEMS.length > 0) reportThroughput(results);
    if (RECOVERY) await reportRecovery(redis, await manager("sleepy"));
    console.log(`load average after the run: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
  } finally {
    await Promise.all([...children].map((proc) => stop(proc, 2000)));
    for (const store of stores) store.close();
    await redis.stop();
    privateRedis = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    void (privateRedis?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
