// Runs one job through one loop's nodes, inside the worker process: each node as soon as
// the nodes it needs in this loop have finished, with its timeout, its context, and (for
// nodes with an explicit `cache:`) the NodeCache that development mode shares.
import { CachedCall, cacheTtlMs } from "../runtime/cached-call";
import type { NodeErrorInfo } from "../runtime/host-protocol";
import { argumentValues } from "../runtime/node-arguments";
import { callNodeFunction, describeNodeError, type NodeCallOutcome, type NodeFunction } from "../runtime/node-call";
import { decodeValue } from "../runtime/values";
import type { NodeCache } from "../store/node-cache";
import type { JobMessage } from "./job-message";
import type { LoadedVersion } from "./loaded-version";
import type { ProductionLoop, ProductionNode } from "./production-graph";

export type LoopOutcome =
  /** `values`: everything the job holds after the loop, encoded. */
  | { ok: true; values: Record<string, string> }
  /** `values`: what it held when `node` failed, so that a retry resumes there. */
  | { ok: false; node: ProductionNode; attempt: number; message: string; stack?: string; values: Record<string, string> };

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
  ) {}
}

export async function runLoop(version: LoadedVersion, loop: ProductionLoop, job: JobMessage, options: LoopRunOptions): Promise<LoopOutcome> {
  const encoded: Record<string, string> = { ...job.values };
  const decoded = new Map<string, unknown>();
  const valueOf = (name: string): unknown => {
    if (!decoded.has(name)) decoded.set(name, name in encoded ? decodeValue(encoded[name]) : undefined);
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
      if (name in encoded) return;
      const attempt = (job.failed?.[name] ?? 0) + 1;
      let output: NodeCallOutcome;
      try {
        output = await computeNode(version, node, fn, argumentValues(node.args, valueOf), job, attempt, options);
      } catch (e) {
        // A value that does not decode, a cache that does not answer: the node fails as if it threw.
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
  return { ok: false, node: failure.node, attempt: failure.attempt, message, stack, values: encoded };
}

/** The node's output for this job: from the cache, else from calling it. */
async function computeNode(version: LoadedVersion, node: ProductionNode, fn: NodeFunction, args: unknown[], job: JobMessage, attempt: number, options: LoopRunOptions): Promise<NodeCallOutcome> {
  const cached = cachedCall(version.graph.name, node, args, options.cache);
  const hit = await cached?.read();
  if (hit?.kind === "hit") return { ok: true, value: hit.value, encoded: hit.entry.value };
  const started = performance.now();
  const fields = { graph: version.graph.name, node: node.name, jobId: job.id, attempt, mode: "prod" as const };
  const outcome = await callNodeFunction(fn, args, fields, { timeoutMs: node.options.timeoutMs, signal: options.signal, log: (text) => options.log(node.name, text), isCallerFrame });
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
