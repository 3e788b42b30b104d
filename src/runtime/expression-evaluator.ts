// Evaluates the debugger's JavaScript expressions (watch, hover, debug console, conditional
// breakpoints, logpoints, the new value typed in setVariable) over a scope of plain values:
// the node's inputs and the outputs so far, by name.
//
// Expressions run in one long-lived worker thread (created on first use, replaced when it
// has to be stopped), each in a fresh node:vm context that holds only the scope: no
// `require`, no `process`, no `Buffer` class, nothing of the adapter. The scope travels by
// structured clone, so an expression that mutates it (`x.a = 5`) changes only its own copy.
// A time limit covers the whole evaluation: vm's `timeout` stops synchronous loops, and a
// worker that does not answer in time (an async hang, a loop in a promise callback) is
// terminated and a fresh one started for the next call.
//
// vm is NOT a security boundary: hostile code can get out of a vm context. The point of the
// worker and the time limit is that the user's own expressions keep the adapter responsive
// and cannot touch its state by mistake, not to contain malicious code.
//
// Values: the scope holds the kinds of values.ts (JSON, undefined, Date, Map, Set, BigInt,
// Uint8Array/Buffer, NaN/Infinity). Inside the context they are rebuilt with the context's
// own Object, Array, Map, Set, Date and Uint8Array, so `rates instanceof Map` is true. A
// Buffer stays a Buffer (its methods work) but is an object of the worker, not the context,
// so `buf instanceof Uint8Array` is false there. A result must be of the same kinds;
// anything structured clone cannot carry or would silently change (a function, a symbol, a
// class instance, a WeakMap, a cycle) is refused with a message naming where it was found.
import { Worker } from "node:worker_threads";

export type EvaluationResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface ExpressionEvaluatorOptions {
  /** How long one evaluation may take, in milliseconds; default 1000. */
  timeoutMs?: number;
}

/** What the worker answers. `buffers` lists the Buffers inside `value` (see WORKER_SOURCE). */
type Reply = { id: number; ok: true; value: unknown; buffers: Uint8Array[] } | { id: number; ok: false; error: string };

interface Pending {
  id: number;
  worker: Worker;
  timer: NodeJS.Timeout;
  resolve(result: EvaluationResult): void;
}

/** How long past the time limit the worker has to report the vm timeout itself before it is terminated. */
const GRACE_MS = 100;

const DISPOSED: EvaluationResult = { ok: false, error: "the expression evaluator has been disposed" };

export class ExpressionEvaluator {
  private readonly timeoutMs: number;
  private worker: { worker: Worker; started: Promise<boolean>; stopReason?: string } | undefined;
  private pending: Pending | undefined;
  /** Evaluations run one at a time, so that stopping a worker never cancels another one. */
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private disposed = false;

  constructor(options: ExpressionEvaluatorOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 1000;
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    this.timeoutMs = Math.ceil(timeoutMs);
  }

  /** Evaluates `expression` with the scope's keys as its free names. Never rejects. */
  evaluate(expression: string, scope: Readonly<Record<string, unknown>>): Promise<EvaluationResult> {
    const result = this.queue
      .then(() => this.run(expression, scope))
      .catch((error: unknown): EvaluationResult => ({ ok: false, error: `the expression could not be evaluated: ${errorText(error)}` }));
    this.queue = result;
    return result;
  }

  /** Stops the worker. A pending evaluation, and every later one, resolve with an error. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const current = this.worker;
    this.worker = undefined;
    if (this.pending) this.settle(this.pending, DISPOSED);
    if (current) await terminate(current.worker);
  }

  private async run(expression: string, scope: Readonly<Record<string, unknown>>): Promise<EvaluationResult> {
    if (this.disposed) return DISPOSED;
    const current = this.worker ?? this.spawn();
    current.worker.ref(); // an evaluation in flight keeps the process alive; an idle worker does not
    try {
      if (!(await current.started)) {
        return this.disposed ? DISPOSED : { ok: false, error: `the expression worker could not start${current.stopReason ? `: ${current.stopReason}` : ""}` };
      }
      if (this.disposed) return DISPOSED;
      return await new Promise<EvaluationResult>((resolve) => {
        const id = this.nextId++;
        const timer = setTimeout(() => {
          this.settle(pending, { ok: false, error: `the expression took longer than ${this.timeoutMs} ms` });
          this.stop(current.worker);
        }, this.timeoutMs + GRACE_MS);
        const pending: Pending = { id, worker: current.worker, timer, resolve };
        this.pending = pending;
        try {
          current.worker.postMessage({ id, expression, scope, buffers: collectBuffers(scope), timeoutMs: this.timeoutMs });
        } catch (error) {
          // DataCloneError: the scope holds something that is not plain data.
          this.settle(pending, { ok: false, error: `the scope cannot be passed to the expression: ${errorText(error)}` });
        }
      });
    } finally {
      // (A worker being disposed of stays ref'd until it has exited, so that dispose() resolves.)
      if (this.worker === current) current.worker.unref();
    }
  }

  private spawn(): NonNullable<ExpressionEvaluator["worker"]> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    let started!: (ok: boolean) => void;
    const current: NonNullable<ExpressionEvaluator["worker"]> = { worker, started: new Promise<boolean>((resolve) => (started = resolve)) };
    this.worker = current;
    worker.once("online", () => started(true));
    worker.on("message", (reply: Reply) => {
      const pending = this.pending;
      if (pending?.worker !== worker || pending.id !== reply.id) return;
      if (!reply.ok) return this.settle(pending, { ok: false, error: reply.error });
      for (const buffer of reply.buffers) Object.setPrototypeOf(buffer, Buffer.prototype);
      this.settle(pending, { ok: true, value: reply.value });
    });
    worker.on("messageerror", (error) => {
      if (this.pending?.worker === worker) this.settle(this.pending, { ok: false, error: `the result cannot be read: ${errorText(error)}` });
    });
    // An 'error' (an uncaught exception, running out of memory) is always followed by 'exit'.
    worker.on("error", (error) => {
      current.stopReason ??= (error as { code?: unknown }).code === "ERR_WORKER_OUT_OF_MEMORY" ? "it ran out of memory" : errorText(error);
    });
    worker.once("exit", (code) => {
      started(false);
      if (this.worker === current) this.worker = undefined;
      if (this.pending?.worker === worker) {
        this.settle(this.pending, { ok: false, error: `the expression stopped the evaluator: ${current.stopReason ?? `its worker exited with code ${code}`}` });
      }
    });
    return current;
  }

  private settle(pending: Pending, result: EvaluationResult): void {
    clearTimeout(pending.timer);
    if (this.pending === pending) this.pending = undefined;
    pending.resolve(result);
  }

  /**
   * Terminates a worker that did not answer; the next evaluation starts a fresh one. Nobody
   * waits for it to exit, so it does not keep the process alive meanwhile.
   */
  private stop(worker: Worker): void {
    if (this.worker?.worker === worker) this.worker = undefined;
    worker.unref();
    void worker.terminate();
  }
}

/** Terminates a worker, keeping the process alive until it has exited (an unref'd one would never report it). */
async function terminate(worker: Worker): Promise<void> {
  worker.ref();
  await worker.terminate();
}

/** Every Buffer inside the scope: structured clone turns them into plain Uint8Arrays. */
function collectBuffers(root: unknown): Uint8Array[] {
  const found: Uint8Array[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (Buffer.isBuffer(value)) found.push(value);
    else if (value instanceof Map) value.forEach((item, key) => (visit(key), visit(item)));
    else if (value instanceof Set || Array.isArray(value)) value.forEach(visit);
    else if (!ArrayBuffer.isView(value) && !(value instanceof Date)) Object.values(value).forEach(visit);
  };
  visit(root);
  return found;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// The worker, as plain CommonJS source so that it runs the same from any bundle (dist/ or
// out/test/). Per request: turn the listed Uint8Arrays back into Buffers (structured clone
// keeps object identity within one message), rebuild the scope inside a fresh context,
// compile the expression (in parentheses when that parses, so `{ a: 1 }` is an object;
// as-is otherwise; inside an async arrow when it uses `await`), run it under vm's timeout,
// await a promise result, check the result is plain data, and post it back with the list
// of its Buffers.
const WORKER_SOURCE = String.raw`"use strict";
const { parentPort } = require("node:worker_threads");
const vm = require("node:vm");
const { types, inspect } = require("node:util");

parentPort.on("message", async (request) => {
  let reply;
  try {
    reply = await evaluate(request);
  } catch (error) {
    reply = { ok: false, error: describeError(error, request.timeoutMs) };
  }
  try {
    parentPort.postMessage({ id: request.id, ...reply });
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, error: "the result cannot be shown: " + describeError(error) });
  }
});

async function evaluate({ expression, scope, buffers, timeoutMs }) {
  for (const buffer of buffers) Object.setPrototypeOf(buffer, Buffer.prototype);
  const known = new Set(buffers);
  const isBuffer = (value) => known.has(value);
  // A null-prototype sandbox: the context's globals then lead to nothing of this thread.
  const context = vm.createContext(Object.create(null), { name: "expression" });
  const rebuilt = vm.runInContext("(" + rebuild + ")", context)(scope, isBuffer);
  for (const name of Object.keys(rebuilt)) context[name] = rebuilt[name];
  let value = compile(expression).runInContext(context, { timeout: timeoutMs, displayErrors: false });
  if (types.isPromise(value)) value = await value;
  const found = [];
  const problem = unsupported(value, found);
  if (problem) return { ok: false, error: "the result " + problem + ", which cannot be shown (expressions must produce data: JSON values, undefined, Date, Map, Set, BigInt, Uint8Array/Buffer)" };
  return { ok: true, value, buffers: found };
}

function compile(expression) {
  const options = { filename: "expression" };
  try {
    return new vm.Script("(" + expression + "\n)", options);
  } catch {}
  try {
    return new vm.Script(expression, options);
  } catch (error) {
    if (!/\bawait\b/.test(expression)) throw error;
    try {
      return new vm.Script("(async () => (" + expression + "\n))()", options);
    } catch {
      throw error;
    }
  }
}

// Runs inside the context: copies the scope into the context's own objects.
// Compiled there from its source text, so that the objects it makes are the context's.
function rebuild(scope, isBuffer) {
  const copies = new Map();
  const own = (target, key, value) => Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  const copy = (value) => {
    if (value === null || typeof value !== "object" || isBuffer(value)) return value;
    if (copies.has(value)) return copies.get(value);
    const tag = Object.prototype.toString.call(value);
    const out = Array.isArray(value) ? [] : tag === "[object Map]" ? new Map() : tag === "[object Set]" ? new Set() :
      tag === "[object Date]" ? new Date(value.getTime()) : tag === "[object Uint8Array]" ? new Uint8Array(value) : {};
    copies.set(value, out);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    else if (out instanceof Map) for (const [key, item] of value) out.set(copy(key), copy(item));
    else if (out instanceof Set) for (const item of value) out.add(copy(item));
    else if (!(out instanceof Date || out instanceof Uint8Array)) for (const key of Object.keys(value)) own(out, key, copy(value[key]));
    return out;
  };
  return copy(scope);
}

// Why a result cannot go back as a value of values.ts ("contains a function at items[1]"),
// or undefined; collects the Buffers on the way. Works on objects of any context.
function unsupported(root, buffers) {
  const ancestors = new Set();
  const visit = (value, path) => {
    const at = (what) => (path === "" ? "is " + what : "contains " + what + " at " + path);
    if (typeof value === "function") return at("a function" + (value.name ? " (" + value.name + ")" : ""));
    if (typeof value === "symbol") return at("a symbol");
    if (value === null || typeof value !== "object") return undefined;
    if (types.isProxy(value)) return at("a Proxy");
    if (ancestors.has(value)) return at("a cycle (a value that contains itself)");
    if (types.isDate(value)) return undefined;
    if (types.isUint8Array(value)) {
      if (Buffer.isBuffer(value)) buffers.push(value);
      return undefined;
    }
    const children = [];
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) children.push([value[i], path + "[" + i + "]"]);
    else if (types.isMap(value)) {
      let i = 0;
      for (const [key, item] of Map.prototype.entries.call(value)) {
        children.push([key, path + ".<key " + i++ + ">"], [item, path + ".get(" + (typeof key === "string" ? JSON.stringify(key) : String(key)) + ")"]);
      }
    } else if (types.isSet(value)) {
      let i = 0;
      for (const item of Set.prototype.values.call(value)) children.push([item, path + ".<item " + i++ + ">"]);
    } else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== null && Object.getPrototypeOf(proto) !== null) {
        const constructor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
        return at(typeof constructor === "function" && constructor.name ? "an instance of " + constructor.name : "an object with a custom prototype");
      }
      for (const key of Object.keys(value)) children.push([value[key], path === "" ? key : path + "." + key]);
    }
    ancestors.add(value);
    for (const [child, childPath] of children) {
      const problem = visit(child, childPath);
      if (problem) return problem;
    }
    ancestors.delete(value);
    return undefined;
  };
  return visit(root, "");
}

// "TypeError: message", without the stack.
function describeError(error, timeoutMs) {
  try {
    if (error !== null && typeof error === "object" && error.code === "ERR_SCRIPT_EXECUTION_TIMEOUT" && timeoutMs !== undefined) {
      return "the expression took longer than " + timeoutMs + " ms";
    }
    if (types.isNativeError(error) || (error !== null && typeof error === "object" && "message" in error)) {
      const name = String(error.name || "Error");
      const message = String(error.message);
      return message === "" ? name : name + ": " + message;
    }
    return "the expression threw " + inspect(error);
  } catch {
    return "the expression threw a value that cannot be described";
  }
}
`;
