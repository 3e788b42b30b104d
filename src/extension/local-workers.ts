// The `stepgraph worker` processes that Start Local Workers runs on this machine, one per
// loop of a graph: their output goes to the log line by line, tagged with the loop, and
// they are stopped as the CLI expects (SIGTERM: finish the jobs in flight, then exit),
// killed only when they outlast the grace period. No `vscode` import: tested with stand-in
// worker scripts.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import * as l10n from "@vscode/l10n";
import { displayedCommand, workerArguments, type ProductionRedis } from "./production-arguments";
import { cliEnvironment } from "./run-cli";

/** Where worker output and lifecycle lines go (the "Stepgraph" output channel). */
export interface WorkerLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface LocalWorker {
  graph: string;
  loop: string;
  pid: number | undefined;
}

export interface WorkerStart {
  graph: string;
  loops: readonly string[];
  redis: ProductionRedis;
  cwd: string;
  /** Added to the environment: the deploy key. */
  env: Record<string, string>;
}

export interface StopReport {
  /** The workers that were running. */
  stopped: LocalWorker[];
  /** Those that outlasted the grace period and were killed. */
  killed: LocalWorker[];
}

/** The CLI's own grace period is about 10 s; this leaves it room before SIGKILL. */
export const STOP_GRACE_MS = 15_000;

/** How long output may still arrive after a worker exited. */
const OUTPUT_DRAIN_MS = 500;

interface RunningWorker extends LocalWorker {
  child: ChildProcess;
  exited: Promise<void>;
  /** Set once the worker was asked to stop: how that ended. */
  stopping?: Promise<"exited" | "killed">;
  lastStderrLine: string;
}

export class LocalWorkers {
  private readonly workers = new Set<RunningWorker>();

  /**
   * `onUnexpectedExit` hears of a worker that exits without being asked to (a crash, a
   * refused deploy key, a Redis that never answered), with its last stderr line.
   */
  constructor(
    private readonly cliPath: string,
    private readonly log: WorkerLog,
    private readonly onUnexpectedExit: (worker: LocalWorker, exit: string, lastStderrLine: string) => void = () => undefined,
  ) {}

  /** The workers still running, of one graph or of all. */
  running(graph?: string): LocalWorker[] {
    return [...this.workers].filter((worker) => graph === undefined || worker.graph === graph).map(describe);
  }

  /** Starts one worker per loop; returns them as started (a spawn failure shows as an exit). */
  start(request: WorkerStart): LocalWorker[] {
    return request.loops.map((loop) => describe(this.spawnWorker(request, loop)));
  }

  /** SIGTERM to every worker, then waits for each to exit; one still running after `graceMs` is killed. */
  async stopAll(graceMs = STOP_GRACE_MS): Promise<StopReport> {
    const workers = [...this.workers];
    const outcomes = await Promise.all(workers.map((worker) => this.stop(worker, graceMs)));
    return { stopped: workers.map(describe), killed: workers.filter((_, i) => outcomes[i] === "killed").map(describe) };
  }

  /**
   * Stops one worker once: a second stop (Stop Local Workers, then deactivation) waits for
   * the first, because a second SIGTERM may mean "stop now" to a process that handles it.
   */
  private stop(worker: RunningWorker, graceMs: number): Promise<"exited" | "killed"> {
    worker.stopping ??= (async () => {
      worker.child.kill("SIGTERM");
      if (await exitsWithin(worker.exited, graceMs)) return "exited";
      this.log.warn(`${tag(worker)} ${l10n.t("still running after {0} s: killed", graceMs / 1000)}`);
      worker.child.kill("SIGKILL");
      await worker.exited;
      return "killed";
    })();
    return worker.stopping;
  }

  private spawnWorker(request: WorkerStart, loop: string): RunningWorker {
    const args = workerArguments(request.graph, loop, request.redis);
    const child = spawn(process.execPath, [this.cliPath, ...args], { cwd: request.cwd, env: cliEnvironment(request.env), stdio: ["ignore", "pipe", "pipe"] });
    let markExited: () => void = () => undefined;
    const worker: RunningWorker = {
      graph: request.graph,
      loop,
      pid: child.pid,
      child,
      exited: new Promise((resolve) => (markExited = resolve)),
      lastStderrLine: "",
    };
    this.workers.add(worker);
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => this.log.info(`${tag(worker)} ${line}`));
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => {
      if (line.trim() !== "") worker.lastStderrLine = line.trim();
      this.log.warn(`${tag(worker)} ${line}`);
    });
    let finished = false;
    const finish = (exit: string, clean: boolean) => {
      if (finished) return;
      finished = true;
      this.workers.delete(worker);
      (clean ? this.log.info : this.log.warn).call(this.log, `${tag(worker)} ${exit}`);
      if (worker.stopping === undefined) this.onUnexpectedExit(describe(worker), exit, worker.lastStderrLine);
      markExited();
    };
    child.once("error", (error) => finish(l10n.t("did not start: {0}", error.message), false));
    // The last output lines are read by "close", but a process the worker started may hold
    // its pipes open after it died: "exit", then "close" or a short wait, whichever is first.
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    child.once("exit", (code, signal) => {
      void Promise.race([closed, delay(OUTPUT_DRAIN_MS)]).then(() => finish(signal ? l10n.t("stopped by {0}", signal) : l10n.t("exited with code {0}", String(code)), code === 0));
    });
    this.log.info(`${tag(worker)} ${l10n.t("started (pid {0}): {1}", child.pid ?? "?", displayedCommand(args))}`);
    return worker;
  }
}

/** The prefix of a worker's lines in the output channel: not translated, so that logs can be searched alike. */
export function tag(worker: { loop: string }): string {
  return `[worker ${worker.loop}]`;
}

function describe(worker: RunningWorker): LocalWorker {
  return { graph: worker.graph, loop: worker.loop, pid: worker.pid };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exitsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
