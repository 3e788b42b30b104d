// Runs one job through one loop's nodes, inside the worker process: each node as soon as
// the nodes it needs in this loop have finished, with its timeout, its context, and (for
// nodes with an explicit `cache:`) the NodeCache that development mode shares.
import { format } from "node:util";
import type { NodeCache } from "../store/node-cache";
import { userFrames } from "../runtime/user-frames";
import { decodeValue, encodeValue, hashValue, valueAtPath } from "../runtime/values";
import { byName, ownValue, type JobMessage } from "./job-message";
import type { LoadedVersion } from "./loaded-version";
import type { ProductionLoop, ProductionNode } from "./production-graph";
import { nodeRuns } from "./stray-errors";

export type LoopOutcome =
  /** `values`: everything the job holds after the loop, encoded. */
  | { ok: true; values: Record<string, string> }
  /**
   * `values`: what it held when `node` failed, so that a retry resumes there. Not
   * `retryable`: the job itself is at fault (a value that does not decode), not the node.
   */
  | { ok: false; node: ProductionNode; attempt: number; retryable: boolean; message: string; stack?: string; values: Record<string, string> };

export interface LoopRunOptions {
  cache?: NodeCache;
  /** Aborted when the worker gives the job up (stopped past its grace period): aborts every node's signal. */
  signal?: AbortSignal;
  log(node: string, text: string): void;
}

/** A node's failure, passed on unchanged by the nodes that depend on it. */
class NodeFailure {
  constructor(
    readonly node: ProductionNode,
    readonly attempt: number,
    readonly error: unknown,
  ) {}
}

/** A value the job holds that does not decode: running the node again will not help. */
class UndecodableValueError extends Error {}

export async function runLoop(version: LoadedVersion, loop: ProductionLoop, job: JobMessage, options: LoopRunOptions): Promise<LoopOutcome> {
  const encoded = Object.assign(byName<string>(), job.values);
  const decoded = new Map<string, unknown>();
  const valueOf = (name: string): unknown => {
    if (!decoded.has(name)) decoded.set(name, Object.hasOwn(encoded, name) ? decodeJobValue(job, name, encoded[name]) : undefined);
    return decoded.get(name);
  };
  const running = new Map<string, Promise<void>>();

  const run = (name: string): Promise<void> => {
    let promise = running.get(name);
    if (promise) return promise;
    const { node, fn } = version.nodes.get(name) as NonNullable<ReturnType<LoadedVersion["nodes"]["get"]>>;
    promise = (async () => {
      await Promise.all(node.dependencies.map(run));
      // Computed by an earlier attempt of this job.
      if (Object.hasOwn(encoded, name)) return;
      const attempt = (ownValue(job.failed, name) ?? 0) + 1;
      try {
        const args = node.args.map((arg) => (arg.kind === "literal" ? structuredClone(arg.value) : valueAtPath(valueOf(arg.name), arg.path)));
        const value = await cachedCall(version.graph.name, node, args, options.cache, () => callNode(version, node, fn, args, job, attempt, options));
        decoded.set(name, value.decoded);
        encoded[name] = value.encoded;
      } catch (e) {
        throw new NodeFailure(node, attempt, e);
      }
    })();
    running.set(name, promise);
    return promise;
  };

  const settled = await Promise.allSettled(loop.nodes.map(run));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected")?.reason as NodeFailure | undefined;
  if (failure === undefined) return { ok: true, values: encoded };
  const { message, stack } = describeError(failure.error);
  return { ok: false, node: failure.node, attempt: failure.attempt, retryable: !(failure.error instanceof UndecodableValueError), message, stack, values: encoded };
}

function decodeJobValue(job: JobMessage, name: string, text: string): unknown {
  try {
    return decodeValue(text);
  } catch (e) {
    throw new UndecodableValueError(`the value '${name}' of job ${job.id} cannot be decoded (${(e as Error).message}): the job is damaged`);
  }
}

async function callNode(version: LoadedVersion, node: ProductionNode, fn: (...args: unknown[]) => unknown, args: unknown[], job: JobMessage, attempt: number, options: LoopRunOptions): Promise<unknown> {
  // The AbortController is made when the node first reads its signal: making one (and
  // listening to the worker's signal) for every call cost about 5 % of a worker's time.
  let controller: AbortController | undefined;
  let aborted: { reason: unknown } | undefined;
  const abort = (reason: unknown) => {
    aborted ??= { reason };
    controller?.abort(reason);
  };
  const giveUp = () => abort(options.signal?.reason);
  const context = {
    graph: version.graph.name,
    node: node.name,
    jobId: job.id,
    attempt,
    mode: "prod" as const,
    get signal(): AbortSignal {
      if (controller === undefined) {
        controller = new AbortController();
        if (options.signal?.aborted) abort(options.signal.reason);
        else options.signal?.addEventListener("abort", giveUp, { once: true });
        if (aborted !== undefined) controller.abort(aborted.reason);
      }
      return controller.signal;
    },
    log: (...values: unknown[]) => options.log(node.name, format(...values)),
  };
  const timeoutMs = node.options.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      const error = new Error(`node '${node.name}' timed out after ${timeoutMs} ms`);
      abort(error);
      reject(error);
    }, timeoutMs);
  });
  const call = () => nodeRuns.run({ node: node.name, jobId: job.id }, () => fn(...args, context));
  try {
    if (timeoutMs === undefined) return await call();
    return await Promise.race([Promise.resolve().then(call), timeout]);
  } finally {
    clearTimeout(timer);
    if (controller !== undefined) options.signal?.removeEventListener("abort", giveUp);
  }
}

/** Runs `call` unless the cache holds the node's output for these arguments (only nodes with an explicit `cache:` duration). */
async function cachedCall(graph: string, node: ProductionNode, args: unknown[], cache: NodeCache | undefined, call: () => Promise<unknown>): Promise<{ decoded: unknown; encoded: string }> {
  const policy = node.options.cache;
  const useCache = cache !== undefined && policy !== undefined && policy.kind !== "off";
  const inputHash = useCache ? hashValue(args) : "";
  const key = useCache ? cache.key({ graph, node: node.name, codeHash: node.codeHash, inputHash, optionsText: JSON.stringify(node.options) }) : "";
  if (useCache) {
    const lookup = await cache.get(key);
    if (lookup.kind === "hit") return { decoded: decodeValue(lookup.entry.value), encoded: lookup.entry.value };
  }
  const started = performance.now();
  const value = await call();
  let encodedValue: string;
  try {
    encodedValue = encodeValue(value);
  } catch (e) {
    throw new Error(`the output of node '${node.name}': ${(e as Error).message}`, { cause: e });
  }
  if (useCache) {
    const ttlMs = policy.kind === "ttl" ? policy.ms : undefined;
    await cache.set(key, { value: encodedValue, createdAt: Date.now(), durationMs: performance.now() - started, codeHash: node.codeHash, inputHash, edited: false }, ttlMs);
  }
  return { decoded: value, encoded: encodedValue };
}

function describeError(e: unknown): { message: string; stack?: string } {
  if (e instanceof UndecodableValueError) return { message: e.message };
  if (!(e instanceof Error)) return { message: `a non-Error value was thrown: ${format("%O", e)}` };
  return { message: e.message, stack: e.stack && userFrames(e.stack, (line) => line.includes(__filename)) };
}
