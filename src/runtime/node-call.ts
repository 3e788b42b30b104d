// Calling a node function once: the one core that the development node host and the
// production loop runner share. It builds the context (its signal made only when the
// node reads it), applies the time limit, encodes the output, and describes a failure with
// the stack the user should read. Where the call happens (a node host process, a worker)
// and what follows a failure (a retry, a dead letter, a stop in the debugger) is the
// caller's business.
import { format } from "node:util";
import type { NodeOptions } from "../graph/options";
import type { ContextFields, NodeErrorInfo } from "./host-protocol";
import { userFrames } from "./user-frames";
import { encodeValue } from "./values";

export type NodeFunction = (...args: unknown[]) => unknown;

export interface NodeCallOptions {
  /** Fails the call (and aborts the node's signal) after this long. */
  timeoutMs?: number;
  /** Aborted from outside (the debugger's stop, a worker giving the job up): aborts the node's signal. */
  signal?: AbortSignal;
  log(text: string): void;
  /** Frames of the caller's own file: a failure's stack is cut there. */
  isCallerFrame(line: string): boolean;
  /** Makes the call (`fn(...args)`) in the caller's way: a worker, inside the run that tells its stray errors apart. Default: directly. */
  invoke?(fn: NodeFunction, args: unknown[]): unknown;
}

export type NodeCallOutcome =
  /** `value` as the node returned it; `encoded` is what the cache and the queues keep. */
  | { ok: true; value: unknown; encoded: string }
  | { ok: false; kind: "error" | "timeout"; error: NodeErrorInfo };

/**
 * Calls `fn` once. A function that returns a value (not a promise) has its outcome at once,
 * with no promise made: nearly every node of a production loop is such a function, and each
 * promise (and each await) costs a worker time, the more so as the worker follows promises
 * for stray errors (stray-errors.ts). A promise's outcome comes when it settles, or when the
 * time limit runs out, counted from the call.
 */
export function callNodeFunction(fn: NodeFunction, args: readonly unknown[], fields: ContextFields, options: NodeCallOptions): NodeCallOutcome | Promise<NodeCallOutcome> {
  const abort = new CallAbort(options.signal);
  const context = new NodeContext(fields, abort, options);
  const started = options.timeoutMs === undefined ? 0 : performance.now();
  // Called now, not in a later microtask: an abort already queued behind this call (the
  // node host reads its messages in one go) must find the node's listeners in place.
  let returned: unknown;
  let thenable: boolean;
  try {
    returned = options.invoke === undefined ? fn(...args, context) : options.invoke(fn, [...args, context]);
    thenable = isThenable(returned);
  } catch (e) {
    abort.stopListening();
    return failed(e, "error", options);
  }
  if (!thenable) {
    abort.stopListening();
    return succeeded(fields.node, returned, options);
  }
  return settle(Promise.resolve(returned), fields.node, options, started, (reason) => abort.abort(reason)).finally(() => abort.stopListening());
}

/**
 * The node's `signal`, made when the node first reads it: making an AbortController (and
 * listening to the caller's signal) for every call cost about 5 % of a worker's time.
 */
class CallAbort {
  private controller: AbortController | undefined;
  private aborted: { reason: unknown } | undefined;
  private abortFromOutside: (() => void) | undefined;

  constructor(private readonly outside: AbortSignal | undefined) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      const outside = this.outside;
      if (outside?.aborted) this.abort(outside.reason);
      else if (outside !== undefined) {
        this.abortFromOutside = () => this.abort(outside.reason);
        outside.addEventListener("abort", this.abortFromOutside, { once: true });
      }
      if (this.aborted !== undefined) controller.abort(this.aborted.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.aborted ??= { reason };
    this.controller?.abort(reason);
  }

  stopListening(): void {
    if (this.abortFromOutside !== undefined) this.outside?.removeEventListener("abort", this.abortFromOutside);
  }
}

/**
 * What a node function gets as its last argument: the fields, its `signal`, its `log`. A
 * class with `signal` a getter of its prototype: an object literal with a getter of its own
 * is made by a call into V8's runtime, which cost a worker more than the node call.
 */
class NodeContext implements ContextFields {
  readonly graph: string;
  readonly node: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly mode: "dev" | "prod";
  readonly index?: number;
  readonly count?: number;
  readonly log: (...values: unknown[]) => void;
  readonly #abort: CallAbort;

  constructor(fields: ContextFields, abort: CallAbort, options: NodeCallOptions) {
    this.graph = fields.graph;
    this.node = fields.node;
    this.jobId = fields.jobId;
    this.attempt = fields.attempt;
    this.mode = fields.mode;
    if (fields.index !== undefined) {
      this.index = fields.index;
      this.count = fields.count;
    }
    this.log = (...values: unknown[]) => options.log(format(...values));
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

/** The outcome of a call that returned a promise: when it settles, or when the time limit (from `started`) runs out, aborting the node's signal. */
async function settle(call: Promise<unknown>, node: string, options: NodeCallOptions, started: number, abort: (reason: unknown) => void): Promise<NodeCallOutcome> {
  const { timeoutMs } = options;
  if (timeoutMs === undefined) {
    try {
      return succeeded(node, await call, options);
    } catch (e) {
      return failed(e, "error", options);
    }
  }
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        timedOut = true;
        const error = new Error(`node '${node}' timed out after ${timeoutMs} ms`);
        abort(error);
        reject(error);
      },
      Math.max(0, timeoutMs - (performance.now() - started)),
    );
  });
  try {
    return succeeded(node, await Promise.race([call, timeout]), options);
  } catch (e) {
    return failed(e, timedOut ? "timeout" : "error", options);
  } finally {
    clearTimeout(timer);
  }
}

function succeeded(node: string, value: unknown, options: NodeCallOptions): NodeCallOutcome {
  try {
    return { ok: true, value, encoded: encodeOutput(node, value) };
  } catch (e) {
    return failed(e, "error", options);
  }
}

function failed(e: unknown, kind: "error" | "timeout", options: NodeCallOptions): NodeCallOutcome {
  return { ok: false, kind, error: describeNodeError(e, options.isCallerFrame) };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function encodeOutput(node: string, value: unknown): string {
  try {
    return encodeValue(value);
  } catch (e) {
    throw new Error(`the output of node '${node}': ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A thrown value as the user should read it: message, class name, and the stack down to
 * where Stepgraph called the node (this file, or, bundled and unmapped, the caller's).
 */
export function describeNodeError(e: unknown, isCallerFrame: (line: string) => boolean): NodeErrorInfo {
  if (!(e instanceof Error)) return { message: `a non-Error value was thrown: ${format("%O", e)}` };
  return { message: e.message, stack: e.stack && userFrames(e.stack, (line) => /\bnode-call\.(ts|js)\b/.test(line) || isCallerFrame(line)), name: e.name };
}

/** How a log line says what follows a failed attempt: "retrying", "retrying in 400 ms". */
export function retryingIn(delayMs: number): string {
  return `retrying${delayMs > 0 ? ` in ${delayMs} ms` : ""}`;
}

/** The longest wait between attempts: development mode is interactive, production is not. */
const MAX_RETRY_DELAY_MS = { dev: 60_000, prod: 10 * 60_000 } as const;

/**
 * After failed attempt `attempt` (1-based) of a node: the wait before the next attempt
 * (`backoff`, doubling each attempt), or undefined when that was its last (`retry`).
 */
export function retryDelayAfter(options: NodeOptions, attempt: number, mode: ContextFields["mode"]): number | undefined {
  if (attempt > options.retry) return undefined;
  return Math.min(options.backoffMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS[mode]);
}
