// Production mode under test: real worker processes (dist/cli.js) against a redis-server
// the test started, on a copy of the fixture graphs.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { join } from "node:path";
import { QueueManager } from "../../src/production/queue-manager";
import { resolveJobInput } from "../../src/runtime/job-input";
import { QueueStore } from "../../src/store/queue-store";
import { after, before, beforeEach } from "node:test";
import { repoRoot, runCli, type CliResult } from "../helpers";
import { startTestRedis, type TestRedis, type TestRedisOptions } from "../redis-harness";
import { copyFixture, type Workspace } from "../runtime/workspace";

export const DEPLOY_KEY = "test-deploy-key-0123456789";

export function loopsWorkspace(): Workspace {
  return copyFixture("loops", "production");
}

/** The environment of a production command: the deploy key, the Redis URL, state under the workspace. */
export function productionEnv(url: string, workspace: Workspace, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, STEPGRAPH_DEPLOY_KEY: DEPLOY_KEY, STEPGRAPH_REDIS_URL: url, STEPGRAPH_STATE_DIR: workspace.stateDir, ...extra };
}

export function stepgraph(args: readonly string[], url: string, workspace: Workspace, extra: NodeJS.ProcessEnv = {}): CliResult {
  return runCli(args, { cwd: workspace.dir, env: productionEnv(url, workspace, extra) });
}

export function deploy(graph: string, url: string, workspace: Workspace): CliResult {
  const result = stepgraph(["deploy", workspace.path(graph), "--json"], url, workspace);
  if (result.status !== 0) throw new Error(`deploy failed (${result.status}): ${result.stderr}`);
  return result;
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves to the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts a process as child_process.spawn does (a test's own way: in another network namespace, say). */
export type Spawner = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** Starts `stepgraph worker` (with `options.spawn`, if given) and resolves once it serves its loop. */
export async function startWorker(url: string, workspace: Workspace, graph: string, loop: string, options: { args?: string[]; env?: NodeJS.ProcessEnv; spawn?: Spawner } = {}): Promise<WorkerProcess> {
  const child = (options.spawn ?? spawn)(process.execPath, [join(repoRoot, "dist", "cli.js"), "worker", "--graph", graph, "--loop", loop, ...(options.args ?? [])], {
    cwd: workspace.dir,
    env: productionEnv(url, workspace, options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (data: Buffer) => (output += data.toString()));
  child.stderr?.on("data", (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const serving = await Promise.race([
    waitFor(() => output.includes("serving loop"), 20_000, `worker ${graph}/${loop} to start`).then(() => true),
    exited.then(() => false),
  ]);
  // It may have served and ended already (a node that crashes it): serving is what counts.
  if (!serving && !output.includes("serving loop")) throw new Error(`worker ${graph}/${loop} exited before serving: ${output}`);
  return { child, output: () => output, exited };
}

/**
 * A supervisor, as in production: one worker of `loop`, started again each time it exits.
 * `started` lists every worker it started; stop() ends the supervision and the last worker.
 */
export function superviseWorker(url: string, workspace: Workspace, graph: string, loop: string): { started: WorkerProcess[]; stop(): Promise<void> } {
  const started: WorkerProcess[] = [];
  let supervising = true;
  const supervisor = (async () => {
    while (supervising) {
      const worker = await startWorker(url, workspace, graph, loop);
      started.push(worker);
      await Promise.race([worker.exited, waitFor(() => !supervising, 120_000, "the end")]);
    }
  })();
  return {
    started,
    async stop() {
      supervising = false;
      await supervisor;
      await stopWorkers(started);
    },
  };
}

export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<(number | null)[]> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  return Promise.all(workers.map((w) => w.exited));
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The QueueManager of `graph` over a store of the test's own; close() when done. */
export async function queueManager(url: string, graph: string): Promise<{ manager: QueueManager; close(): void }> {
  const store = await QueueStore.open(url, graph);
  return { manager: new QueueManager(store), close: () => store.close() };
}

/** Submits one job per input; resolves to the ids. */
export async function submit(manager: QueueManager, inputs: Record<string, unknown>[]): Promise<string[]> {
  const manifest = await manager.activeManifest();
  if (manifest === undefined) throw new Error(`graph ${manager.graphName} is not deployed`);
  return manager.submit(manifest, inputs.map((input) => resolveJobInput(manifest.graph, input)));
}

/** Waits until every submitted job is completed or dead. */
export async function waitForRest(manager: QueueManager, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const totals = await manager.totals();
      return totals.submitted === totals.completed + totals.dead;
    },
    timeoutMs,
    `graph ${manager.graphName} to finish its jobs`,
  );
}

/**
 * The redis-server of a test file: started before its first test, emptied before each (it
 * is the file's own, started by the harness), stopped after the last.
 */
export function fileTestRedis(options?: TestRedisOptions): TestRedis {
  let server: TestRedis | undefined;
  before(async () => {
    server = await startTestRedis(options);
  });
  after(() => server?.stop());
  beforeEach(() => server?.client.flushall());
  const current = (): TestRedis => {
    if (server === undefined) throw new Error("the test file's redis-server is not started yet (use it inside a test)");
    return server;
  };
  return {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    get client() {
      return current().client;
    },
    restart: (restartOptions) => current().restart(restartOptions),
    stop: () => current().stop(),
  };
}

/** The JSON lines a command printed (`submit --wait --json`, `dead list --json`). */
export function jsonLines(result: CliResult): Record<string, unknown>[] {
  return result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
}
