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
}

export type NodeCallOutcome =
  /** `value` as the node returned it; `encoded` is what the cache and the queues keep. */
  | { ok: true; value: unknown; encoded: string }
  | { ok: false; kind: "error" | "timeout"; error: NodeErrorInfo };

export async function callNodeFunction(fn: NodeFunction, args: readonly unknown[], fields: ContextFields, options: NodeCallOptions): Promise<NodeCallOutcome> {
  // The AbortController is made when the node first reads its signal: making one (and
  // listening to the caller's signal) for every call cost about 5 % of a worker's time.
  let controller: AbortController | undefined;
  let aborted: { reason: unknown } | undefined;
  const abort = (reason: unknown) => {
    aborted ??= { reason };
    controller?.abort(reason);
  };
  const abortFromOutside = () => abort(options.signal?.reason);
  const context = {
    ...fields,
    get signal(): AbortSignal {
      if (controller === undefined) {
        controller = new AbortController();
        if (options.signal?.aborted) abort(options.signal.reason);
        else options.signal?.addEventListener("abort", abortFromOutside, { once: true });
        if (aborted !== undefined) controller.abort(aborted.reason);
      }
      return controller.signal;
    },
    log: (...values: unknown[]) => options.log(format(...values)),
  };
  const { timeoutMs } = options;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  // Made only for a node with a time limit (most have none): a promise less a call.
  const timeout =
    timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            const error = new Error(`node '${fields.node}' timed out after ${timeoutMs} ms`);
            abort(error);
            reject(error);
          }, timeoutMs);
        });
  try {
    // Called now, not in a later microtask: an abort already queued behind this call (the
    // node host reads its messages in one go) must find the node's listeners in place.
    let call: Promise<unknown>;
    try {
      call = Promise.resolve(fn(...args, context));
    } catch (e) {
      call = Promise.reject(e);
    }
    const value = await (timeout === undefined ? call : Promise.race([call, timeout]));
    return { ok: true, value, encoded: encodeOutput(fields.node, value) };
  } catch (e) {
    return { ok: false, kind: timedOut ? "timeout" : "error", error: describeNodeError(e, options.isCallerFrame) };
  } finally {
    clearTimeout(timer);
    if (controller !== undefined) options.signal?.removeEventListener("abort", abortFromOutside);
  }
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
