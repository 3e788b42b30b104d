// Runs one job through one loop's nodes, inside the worker process: each node as soon as
// the nodes it needs in this loop have finished, with its timeout, its context, and (for
// nodes with an explicit `cache:`) the NodeCache that development mode shares.
import { CachedCall, cacheTtlMs } from "../runtime/cached-call";
import type { NodeErrorInfo } from "../runtime/host-protocol";
import { argumentValues } from "../runtime/node-arguments";
import { callNodeFunction, describeNodeError, type NodeCallOutcome, type NodeFunction } from "../runtime/node-call";
import { decodeValue } from "../runtime/values";
import type { NodeCache } from "../store/node-cache";
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
    readonly error: NodeErrorInfo,
    readonly retryable = true,
  ) {}
}

/** A value the job holds that does not decode: running the node again will not help. */
class UndecodableValueError extends Error {}

export async function runLoop(version: LoadedVersion, loop: ProductionLoop, job: JobMessage, options: LoopRunOptions): Promise<LoopOutcome> {
  // Keyed by node name: no prototype, so that a node may be called `constructor`.
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
      let output: NodeCallOutcome;
      try {
        output = await computeNode(version, node, fn, argumentValues(node.args, valueOf), job, attempt, options);
      } catch (e) {
        if (e instanceof UndecodableValueError) throw new NodeFailure(node, attempt, { message: e.message }, false);
        // A cache that does not answer: the node fails as if it threw.
        output = { ok: false, kind: "error", error: describeNodeError(e, isCallerFrame) };
      }
      if (!output.ok) throw new NodeFailure(node, attempt, output.error);
      decoded.set(name, output.value);
      encoded[name] = output.encoded;
    })();
    running.set(name, promise);
    return promise;
  };

  const settled = await Promise.allSettled(loop.nodes.map(run));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected")?.reason as NodeFailure | undefined;
  if (failure === undefined) return { ok: true, values: encoded };
  const { message, stack } = failure.error;
  return { ok: false, node: failure.node, attempt: failure.attempt, retryable: failure.retryable, message, stack, values: encoded };
}

function decodeJobValue(job: JobMessage, name: string, text: string): unknown {
  try {
    return decodeValue(text);
  } catch (e) {
    throw new UndecodableValueError(`the value '${name}' of job ${job.id} cannot be decoded (${(e as Error).message}): the job is damaged`);
  }
}

/** The node's output for this job: from the cache, else from calling it. */
async function computeNode(version: LoadedVersion, node: ProductionNode, fn: NodeFunction, args: unknown[], job: JobMessage, attempt: number, options: LoopRunOptions): Promise<NodeCallOutcome> {
  const cached = cachedCall(version.graph.name, node, args, options.cache);
  const hit = await cached?.read();
  if (hit?.kind === "hit") return { ok: true, value: hit.value, encoded: hit.entry.value };
  const started = performance.now();
  const fields = { graph: version.graph.name, node: node.name, jobId: job.id, attempt, mode: "prod" as const };
  // Stray errors of the node's code are told apart by the run they come from (stray-errors.ts).
  const inRun: NodeFunction = (...callArgs) => nodeRuns.run({ node: node.name, jobId: job.id }, () => fn(...callArgs));
  const outcome = await callNodeFunction(inRun, args, fields, { timeoutMs: node.options.timeoutMs, signal: options.signal, log: (text) => options.log(node.name, text), isCallerFrame });
  if (outcome.ok) await cached?.write(outcome.encoded, performance.now() - started);
  return outcome;
}

function isCallerFrame(line: string): boolean {
  return line.includes(__filename);
}

/** Production caches only nodes with an explicit `cache:` duration or `forever`. */
function cachedCall(graph: string, node: ProductionNode, args: readonly unknown[], cache: NodeCache | undefined): CachedCall | undefined {
  const policy = node.options.cache;
  if (cache === undefined || policy === undefined || policy.kind === "off") return undefined;
  return new CachedCall(cache, { graph, node: node.name, codeHash: node.codeHash, options: node.options }, args, cacheTtlMs(policy, undefined));
}
