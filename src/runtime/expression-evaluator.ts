// Evaluates the debugger's JavaScript expressions (watch, hover, debug console, conditional
// breakpoints, logpoints, the new value typed in setVariable) over a scope of plain values:
// the node's inputs and the outputs so far, by name.
//
// Expressions run in one long-lived child process (started by warmUp() or on first use,
// replaced when it has to be stopped), each in a fresh node:vm context that holds only the
// scope: no `require`, no `process`, no `Buffer` class. The scope travels as a copy (V8's
// structured serialization over IPC), so an expression that mutates it (`x.a = 5`) changes
// only its own copy. A time limit covers the whole evaluation: vm's `timeout` stops
// synchronous loops, and a process that does not answer in time (an async hang, a loop in a
// promise callback) is killed and a fresh one started for the next call.
//
// vm is not a security boundary (a Buffer's methods lead back to the evaluating process's
// realm), so the process is the boundary: it gets an empty environment, runs under Node's
// permission model with no file system, child process or addon access, has its module
// loaders and signalling functions removed, holds nothing but the copies it is sent, and
// dies with the adapter. What the permission model of Node 20 cannot deny is the network.
//
// Values: the scope holds the kinds of values.ts (JSON, undefined, Date, Map, Set, BigInt,
// Uint8Array/Buffer, NaN/Infinity). Inside the context they are rebuilt with the context's
// own Object, Array, Map, Set, Date and Uint8Array, so `rates instanceof Map` is true. A
// Buffer stays a Buffer (its methods work) but is an object of the process, not the context,
// so `buf instanceof Uint8Array` is false there. A result must be of the same kinds;
// anything that cannot be copied or would silently change (a function, a symbol, a class
// instance, a WeakMap, a cycle) is refused with a message naming where it was found.
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { EXPRESSION_PROCESS_SOURCE } from "./expression-process-source";

export type EvaluationResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface ExpressionEvaluatorOptions {
  /** How long one evaluation may take, in milliseconds; default 1000. */
  timeoutMs?: number;
}

/** What the process sends: once `ready`, then one reply per request. */
type Message = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

interface Evaluating {
  child: ChildProcess;
  started: Promise<boolean>;
}

interface Pending {
  id: number;
  child: ChildProcess;
  timer: NodeJS.Timeout;
  resolve(result: EvaluationResult): void;
}

/** How long past the time limit the process has to report the vm timeout itself before it is killed. */
const GRACE_MS = 100;

/** Heap of the evaluating process: an expression that allocates without end kills only it. */
const HEAP_LIMIT_MB = 1024;

/** Node 20 spells the permission model's flag `--experimental-permission`; later versions `--permission`. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";

const DISPOSED: EvaluationResult = { ok: false, error: "the expression evaluator has been disposed" };

export class ExpressionEvaluator {
  private readonly timeoutMs: number;
  private current: Evaluating | undefined;
  private pending: Pending | undefined;
  /** Evaluations run one at a time, so that stopping a process never cancels another one. */
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private disposed = false;

  constructor(options: ExpressionEvaluatorOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 1000;
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    this.timeoutMs = Math.ceil(timeoutMs);
  }

  /** Starts the evaluating process now, so that the first expression does not wait for Node to boot. */
  warmUp(): void {
    if (!this.disposed && !this.current) this.spawn();
  }

  /** Evaluates `expression` with the scope's keys as its free names. Never rejects. */
  evaluate(expression: string, scope: Readonly<Record<string, unknown>>): Promise<EvaluationResult> {
    const result = this.queue
      .then(() => this.run(expression, scope))
      .catch((error: unknown): EvaluationResult => ({ ok: false, error: `the expression could not be evaluated: ${errorText(error)}` }));
    this.queue = result;
    return result;
  }

  /** Stops the process. A pending evaluation, and every later one, resolve with an error. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const current = this.current;
    this.current = undefined;
    if (this.pending) this.settle(this.pending, DISPOSED);
    if (current) await kill(current.child);
  }

  private async run(expression: string, scope: Readonly<Record<string, unknown>>): Promise<EvaluationResult> {
    if (this.disposed) return DISPOSED;
    const current = this.current ?? this.spawn();
    keepAlive(current.child, true); // an evaluation in flight keeps the adapter alive; an idle process does not
    try {
      if (!(await current.started)) return this.disposed ? DISPOSED : { ok: false, error: "the expression process could not start" };
      if (this.disposed) return DISPOSED;
      return await new Promise<EvaluationResult>((resolve) => {
        const id = this.nextId++;
        const timer = setTimeout(() => {
          this.settle(pending, { ok: false, error: `the expression took longer than ${this.timeoutMs} ms` });
          this.stop(current);
        }, this.timeoutMs + GRACE_MS);
        const pending: Pending = { id, child: current.child, timer, resolve };
        this.pending = pending;
        try {
          current.child.send({ id, expression, scope, timeoutMs: this.timeoutMs });
        } catch (error) {
          // The scope holds something that is not plain data (a function, a class instance).
          this.settle(pending, { ok: false, error: `the scope cannot be passed to the expression: ${errorText(error)}` });
        }
      });
    } finally {
      if (this.current === current) keepAlive(current.child, false);
    }
  }

  private spawn(): Evaluating {
    const child = spawn(process.execPath, [PERMISSION_FLAG, "--allow-worker", "--no-warnings", `--max-old-space-size=${HEAP_LIMIT_MB}`, "-e", EXPRESSION_PROCESS_SOURCE], {
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      serialization: "advanced",
      env: {},
      cwd: tmpdir(),
    });
    let started!: (ok: boolean) => void;
    const current: Evaluating = { child, started: new Promise<boolean>((resolve) => (started = resolve)) };
    this.current = current;
    keepAlive(child, false);
    child.on("message", (message: Message) => {
      if ("ready" in message) return started(true);
      const pending = this.pending;
      if (pending?.child !== child || pending.id !== message.id) return;
      this.settle(pending, message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
    });
    child.on("error", () => started(false));
    child.once("exit", (code, signal) => {
      started(false);
      if (this.current === current) this.current = undefined;
      if (this.pending?.child === child) {
        // V8 aborts the process when its heap is full.
        const how = signal === "SIGABRT" ? "it ran out of memory" : signal ? `its process was killed by ${signal}` : `its process exited with code ${code}`;
        this.settle(this.pending, { ok: false, error: `the expression stopped the evaluator: ${how}` });
      }
    });
    return current;
  }

  private settle(pending: Pending, result: EvaluationResult): void {
    clearTimeout(pending.timer);
    if (this.pending === pending) this.pending = undefined;
    pending.resolve(result);
  }

  /** Kills a process that did not answer and starts the one that serves the next call. */
  private stop(stopped: Evaluating): void {
    if (this.current === stopped) this.current = undefined;
    keepAlive(stopped.child, false);
    stopped.child.kill("SIGKILL");
    if (!this.disposed) this.spawn();
  }
}

/** Whether the process and its IPC channel keep the adapter's event loop alive. */
function keepAlive(child: ChildProcess, alive: boolean): void {
  if (alive) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

/** Kills a process, keeping the adapter alive until it has exited (an unref'd one would never report it). */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  keepAlive(child, true);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
