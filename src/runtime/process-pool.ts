// The ProcessPool: node host child processes that run node functions, one run per host at
// a time. A run that outlives its timeout, or that its caller aborts, has its signal
// aborted, then its host killed if the code ignores the signal; a host that dies (a crash,
// process.exit) fails its run and is replaced. Nothing here knows about graphs beyond the
// run request.
//
// With `inspect`, every host runs with the V8 inspector on a free port of 127.0.0.1: the
// pool learns each host's inspector URL (the "inspector" event, and `inspectors`) and,
// from the lines Node writes on the host's stderr, whether a debugger is attached to it.
import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ContextFields, FromHost, LogLevel, NodeErrorInfo, ToHost } from "./host-protocol";

export interface RunRequest {
  bundlePath: string;
  exportName: string;
  /** The arguments, encoded as one array (values.ts). */
  args: string;
  context: ContextFields;
  timeoutMs?: number;
  /**
   * Pause on the function's first line in the debugger attached to the host. Only where one
   * is attached; the time limit does not hold for such a run (the user steps through it).
   */
  pauseOnEntry?: boolean;
  onLog(level: LogLevel, text: string): void;
}

/** A host's inspector: where a debugger attaches (a ws:// URL), and whether one is. */
export interface HostInspector {
  pid: number;
  url: string;
  attached: boolean;
}

export type RunOutcome =
  | { ok: true; value: string }
  | { ok: false; kind: "error" | "timeout" | "crash" | "cancelled"; error: NodeErrorInfo };

/** The most hosts one pool runs: each is a Node process of its own. */
export const MAX_POOL_SIZE = 64;

export interface ProcessPoolOptions {
  /** How many hosts run at once, 1 to MAX_POOL_SIZE; default the CPU count (at most MAX_POOL_SIZE). */
  size?: number;
  /** The built node-host.js; default next to this bundle. */
  hostScript?: string;
  /** How long code may ignore an aborted signal before its host is killed. */
  killGraceMs?: number;
  /** Start the hosts with the V8 inspector (`--inspect=127.0.0.1:0`). */
  inspect?: boolean;
}

interface Host {
  child: ChildProcess;
  run?: ActiveRun;
  /** Its inspector's ws:// URL, once the host has told it. */
  inspectorUrl?: string;
  /** Debugger sessions attached to it, counted from Node's stderr lines. */
  sessions: number;
  /** It has started (its `ready` message). */
  ready: boolean;
}

/** What Node writes on a host's stderr about its inspector: not the node's output. */
const INSPECTOR_LINE = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Debugger attached\.|Debugger ending on ws:|Waiting for the debugger to disconnect)/;

interface ActiveRun {
  runId: number;
  request: RunRequest;
  settle(outcome: RunOutcome): void;
  timers: NodeJS.Timeout[];
  /** Set once abort() asked the node to stop: whatever it answers, the run is cancelled. */
  aborted?: string;
}

export interface ProcessPoolEvents {
  /** A host's inspector is known (a new host), or a debugger attached to it or left it. */
  inspector: [HostInspector];
}

export class ProcessPool extends EventEmitter<ProcessPoolEvents> {
  readonly size: number;
  readonly inspect: boolean;
  /** The script each host runs (a debugger of node code skips its frames). */
  readonly hostScript: string;
  private readonly killGraceMs: number;
  private readonly hosts: Host[] = [];
  private readonly waiting: { request: RunRequest; settle(outcome: RunOutcome): void; runId: number }[] = [];
  private nextRunId = 1;
  private closed = false;
  /** Set while warmUp is starting hosts one by one. */
  private warming = false;

  constructor(options: ProcessPoolOptions = {}) {
    super();
    const size = options.size ?? Math.min(availableParallelism(), MAX_POOL_SIZE);
    if (!(Number.isInteger(size) && size >= 1 && size <= MAX_POOL_SIZE)) throw new RangeError(`a pool runs 1 to ${MAX_POOL_SIZE} hosts, not ${size}`);
    this.size = size;
    this.hostScript = options.hostScript ?? join(__dirname, "node-host.js");
    this.killGraceMs = options.killGraceMs ?? 1000;
    this.inspect = options.inspect ?? false;
  }

  /** Whether a debugger is attached to any live host (a run there can pause on entry). */
  get debuggerAttached(): boolean {
    return this.hosts.some((h) => h.sessions > 0);
  }

  /** The inspectors of the live hosts that have told theirs. */
  get inspectors(): HostInspector[] {
    return this.hosts.flatMap((h) => (h.inspectorUrl === undefined || h.child.pid === undefined ? [] : [inspectorOf(h)]));
  }

  /**
   * Resolves true once every host is started, has told its inspector and has a debugger
   * attached; false after `timeoutMs` (or at once without the inspector).
   */
  whenAttached(timeoutMs: number): Promise<boolean> {
    if (!this.inspect) return Promise.resolve(false);
    const all = () => this.hosts.length >= this.size && this.hosts.every((h) => h.sessions > 0);
    if (all()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!all()) return;
        clearTimeout(timer);
        this.off("inspector", check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.off("inspector", check);
        resolve(false);
      }, timeoutMs);
      this.on("inspector", check);
    });
  }

  /**
   * Starts every host ahead of the first nodes, one after another (each once the one before
   * is ready): Node processes booting at once beside the session slowed its first steps on
   * a machine of two cores (bench/dap.bench.ts). Runs asked for meanwhile start hosts at once.
   */
  warmUp(): void {
    this.warming = true;
    this.warmNext();
  }

  private warmNext(): void {
    if (!this.warming || this.closed) return;
    if (this.hosts.length >= this.size) {
      this.warming = false;
      return;
    }
    if (this.hosts.every((h) => h.ready)) this.spawnHost();
  }

  /** Runs one call on a free host (waiting for one if all are busy). */
  run(request: RunRequest): { runId: number; outcome: Promise<RunOutcome> } {
    const runId = this.nextRunId++;
    const outcome = new Promise<RunOutcome>((settle) => {
      if (this.closed) settle(cancelled("the session ended"));
      else this.waiting.push({ request, settle, runId });
    });
    this.dispatch();
    return { runId, outcome };
  }

  /** Cancels a run: a waiting one never starts; a running one has its host killed. */
  cancel(runId: number, reason: string): void {
    const index = this.waiting.findIndex((w) => w.runId === runId);
    if (index >= 0) {
      this.waiting.splice(index, 1)[0].settle(cancelled(reason));
      return;
    }
    const host = this.hosts.find((h) => h.run?.runId === runId);
    if (host?.run) {
      const run = host.run;
      this.retire(host);
      run.settle(cancelled(reason));
    }
  }

  /**
   * Aborts a run, which settles as cancelled: a waiting one never starts; a running one has
   * its node's signal aborted (with `reason`), and its host killed if the code has not
   * returned within the grace period.
   */
  abort(runId: number, reason: string): void {
    const index = this.waiting.findIndex((w) => w.runId === runId);
    if (index >= 0) {
      this.waiting.splice(index, 1)[0].settle(cancelled(reason));
      return;
    }
    const host = this.hosts.find((h) => h.run?.runId === runId);
    const run = host?.run;
    if (!host || !run || run.aborted !== undefined) return;
    run.aborted = reason;
    this.send(host, { type: "abort", runId, reason });
    run.timers.push(
      setTimeout(() => {
        this.retire(host);
        run.settle(cancelled(`${reason}; the node ignored its abort signal, so its host was killed`));
      }, this.killGraceMs),
    );
  }

  /** Kills every host; runs in flight or waiting settle as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) waiting.settle(cancelled("the session ended"));
    const exits = [...this.hosts].map((host) => {
      const exited = new Promise<void>((resolve) => (host.child.exitCode !== null || host.child.signalCode !== null ? resolve() : host.child.once("exit", () => resolve())));
      host.run?.settle(cancelled("the session ended"));
      this.retire(host);
      return exited;
    });
    await Promise.all(exits);
  }

  /** Process ids of the live hosts (for tests and status). */
  get pids(): number[] {
    return this.hosts.flatMap((h) => (h.child.pid === undefined ? [] : [h.child.pid]));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const host = this.hosts.find((h) => h.run === undefined) ?? (this.hosts.length < this.size ? this.spawnHost() : undefined);
      if (!host) return;
      const next = this.waiting.shift() as (typeof this.waiting)[number];
      this.start(host, next.runId, next.request, next.settle);
    }
  }

  private start(host: Host, runId: number, request: RunRequest, settle: (outcome: RunOutcome) => void): void {
    const run: ActiveRun = {
      runId,
      request,
      timers: [],
      settle: (outcome) => {
        run.timers.forEach(clearTimeout);
        if (host.run === run) host.run = undefined;
        settle(outcome);
        this.dispatch();
      },
    };
    host.run = run;
    // With no debugger attached, nothing could resume the pause: the run goes on as a plain one.
    const pauseOnEntry = request.pauseOnEntry === true && host.sessions > 0;
    if (request.timeoutMs !== undefined && !pauseOnEntry) {
      run.timers.push(
        setTimeout(() => {
          const reason = `timed out after ${request.timeoutMs} ms`;
          this.send(host, { type: "abort", runId, reason });
          // Code that ignores its signal is stopped the hard way.
          run.timers.push(
            setTimeout(() => {
              this.retire(host);
              run.settle({ ok: false, kind: "timeout", error: { message: `node '${request.context.node}' ${reason} and ignored its abort signal; its host was killed` } });
            }, this.killGraceMs),
          );
        }, request.timeoutMs),
      );
    }
    this.send(host, { type: "run", runId, bundlePath: request.bundlePath, exportName: request.exportName, args: request.args, context: request.context, ...(pauseOnEntry ? { pauseOnEntry } : {}) });
  }

  private spawnHost(): Host {
    const child = fork(this.hostScript, [], {
      execArgv: ["--enable-source-maps", ...(this.inspect ? ["--inspect=127.0.0.1:0"] : [])],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    const host: Host = { child, sessions: 0, ready: false };
    this.hosts.push(host);
    // Output that bypasses the captured streams (native code, a crash message) still reaches the run's log.
    child.stdout?.on("data", (data: Buffer) => host.run?.request.onLog("log", data.toString("utf8").replace(/\n$/, "")));
    child.stderr?.on("data", (data: Buffer) => {
      const text = this.inspect ? this.inspectorLines(host, data.toString("utf8")) : data.toString("utf8");
      if (text !== "") host.run?.request.onLog("error", text.replace(/\n$/, ""));
    });
    child.on("message", (message: FromHost) => this.receive(host, message));
    child.on("exit", (code, signal) => {
      this.forget(host);
      // A host that died while starting must not stall the warm-up.
      if (!host.ready) this.warmNext();
      const run = host.run;
      if (!run) return;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      run.settle({ ok: false, kind: "crash", error: { message: `the node host ${how} while running node '${run.request.context.node}' (did the node call process.exit or crash?)` } });
    });
    child.on("error", () => undefined);
    return host;
  }

  /** Takes Node's lines about the inspector out of a host's stderr, counting the sessions; the rest is returned. */
  private inspectorLines(host: Host, text: string): string {
    const kept: string[] = [];
    for (const line of text.split(/(?<=\n)/)) {
      if (!INSPECTOR_LINE.test(line)) {
        kept.push(line);
        continue;
      }
      const change = line.startsWith("Debugger attached.") ? 1 : line.startsWith("Debugger ending on") ? -1 : 0;
      if (change === 0) continue;
      host.sessions = Math.max(0, host.sessions + change);
      if (host.inspectorUrl !== undefined && this.hosts.includes(host)) this.emit("inspector", inspectorOf(host));
    }
    return kept.join("");
  }

  private receive(host: Host, message: FromHost): void {
    if (message.type === "ready") {
      host.ready = true;
      host.inspectorUrl = message.inspectorUrl;
      if (host.inspectorUrl !== undefined && this.hosts.includes(host)) this.emit("inspector", inspectorOf(host));
      this.warmNext();
      return;
    }
    const run = host.run;
    if (!run || message.runId !== run.runId) return;
    if (message.type === "log") run.request.onLog(message.level, message.text);
    else if (run.aborted !== undefined) run.settle(cancelled(run.aborted));
    else run.settle(message.ok ? { ok: true, value: message.value } : { ok: false, kind: "error", error: message.error });
  }

  private send(host: Host, message: ToHost): void {
    if (host.child.connected) host.child.send(message);
  }

  /** Takes a host out of service and kills it (a new one is spawned when needed). */
  private retire(host: Host): void {
    this.forget(host);
    host.child.kill("SIGKILL");
  }

  private forget(host: Host): void {
    const index = this.hosts.indexOf(host);
    if (index >= 0) this.hosts.splice(index, 1);
  }
}

function inspectorOf(host: Host): HostInspector {
  return { pid: host.child.pid ?? 0, url: host.inspectorUrl ?? "", attached: host.sessions > 0 };
}

function cancelled(reason: string): RunOutcome {
  return { ok: false, kind: "cancelled", error: { message: `cancelled: ${reason}` } };
}
