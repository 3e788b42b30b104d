// Runs one job through one loop's nodes, inside the worker process: each node as soon as
// the nodes it needs in this loop have finished, with its timeout, its context, and (for
// nodes with an explicit `cache:`) the NodeCache that development mode shares. A node is
// skipped as in development mode (node-skip.ts); a skip an earlier loop handed on counts
// too. A mapped node calls its function once per element, each element with its own
// attempts; a retry of the job resumes at the elements that failed. A map of many elements
// is not run here: the outcome asks the worker to spread its elements over the loop's
// workers (each element then runs as `runElement`), and the job comes back with their results.
// A subgraph called with `map` runs its program once per element here (never spread): each
// element runs the subgraph's nodes as a loop of their own, retrying a failed node in place.
import { setTimeout as sleep } from "node:timers/promises";
import { CachedCall, cacheTtlMs } from "../runtime/cached-call";
import type { ContextFields, NodeErrorInfo } from "../runtime/host-protocol";
import { JobInputError, resolveJobInput } from "../runtime/job-input";
import { callsOf } from "../runtime/element-calls";
import { argumentValues } from "../runtime/node-arguments";
import { callNodeFunction, describeNodeError, retryDelayAfter, retryingIn, type NodeCallOptions, type NodeCallOutcome, type NodeFunction } from "../runtime/node-call";
import { skipReason } from "../runtime/node-skip";
import { decodeValue, encodeValue, valueAtPath } from "../runtime/values";
import type { NodeCache } from "../store/node-cache";
import type { CaptureTable, LiveCapture } from "./capture-point";
import type { ElementSlots } from "./element-slots";
import { byName, ownValue, type JobMessage } from "./job-message";
import type { LoadedNode } from "./loaded-version";
import { PROGRAM_INPUTS, PROGRAM_OUTPUTS, type ProductionGraph, type ProductionLoop, type ProductionNode } from "./production-graph";
import { nodeRuns, type NodeRun } from "./stray-errors";

export type LoopOutcome =
  /** `values`: everything the job holds after the loop, encoded; `skipped`: the nodes skipped so far, earlier loops' included. */
  | { ok: true; values: Record<string, string>; skipped: string[] }
  /**
   * `values`: what it held when `node` failed, so that a retry resumes there. Not
   * `retryable`: the job itself is at fault (a value that does not decode), not the node.
   * `attempt` is the failed attempt that counts (for a map, the element furthest along, whose
   * index is `element`); `failedAttempts` holds every attempt that failed (by `NODE` or `NODE#I`).
   */
  | { ok: false; node: ProductionNode; attempt: number; element?: number; failedAttempts: Record<string, number>; retryable: boolean; message: string; stack?: string; values: Record<string, string> }
  /** `node`'s elements (those not done yet: index and encoded arguments) are to be spread; `values`: what the job holds meanwhile. */
  | { ok: "spread"; node: ProductionNode; count: number; elements: { index: number; args: string }[]; values: Record<string, string> };

export interface LoopRunOptions {
  cache?: NodeCache;
  /** Aborted when the worker gives the job up (stopped past its grace period): aborts every node's signal. */
  signal?: AbortSignal;
  /** The slots every `map` element of the worker takes while it runs. */
  elementSlots: ElementSlots;
  /** A map of at least this many elements is spread over the loop's workers; unset: none is. */
  spreadElements?: number;
  /** The worker's capture points: a call of a node in it is recorded (with none set, one look at its size). */
  captures?: CaptureTable;
  log(jobId: string, node: string, text: string): void;
}

/** A mapped node whose elements are to be spread: the nodes after it wait for the job's return. */
class SpreadRequest {
  constructor(
    readonly node: ProductionNode,
    readonly count: number,
    readonly elements: { index: number; args: string }[],
  ) {}
}

/** A node's failure, passed on unchanged by the nodes that depend on it. */
class NodeFailure {
  constructor(
    readonly node: ProductionNode,
    readonly attempt: number,
    readonly error: NodeErrorInfo,
    readonly retryable = true,
    readonly failedAttempts: Record<string, number> = { [node.name]: attempt },
    readonly element?: number,
  ) {}
}

/** A value the job holds that does not decode: running the node again will not help. */
class UndecodableValueError extends Error {}

/** What a loop runs: a deployed version's nodes, or the program of a subgraph called with `map`. */
interface RunnableNodes {
  graph: Pick<ProductionGraph, "name">;
  nodes: ReadonlyMap<string, LoadedNode>;
}

/** One call of a mapped node: element `element.index`, with these arguments, on this attempt. */
type CallElement = (args: unknown[], attempt: number, element: { index: number; count: number }) => Promise<NodeCallOutcome>;

/**
 * Runs the loop's nodes for `job`. A loop whose nodes form a chain (each needs the one
 * before it, as a loop of one node does) runs them one after the other, and has its
 * outcome at once when each node has (a function that returns a value, with no cache):
 * no promise, no closure per node. Any other loop runs each node as soon as the nodes it
 * needs are done. A production worker runs this for every job, and what it allocates is
 * most of what the worker's garbage collection costs.
 */
export function runLoop(version: RunnableNodes, loop: Pick<ProductionLoop, "nodes">, job: JobMessage, options: LoopRunOptions): LoopOutcome | Promise<LoopOutcome> {
  const run = new LoopRun(version, job, options);
  return isChain(version, loop.nodes) ? runChain(run, loop.nodes, 0) : runGraph(run, loop.nodes);
}

/** What one job's run of a loop holds: its values (encoded, and decoded as they are read) and the nodes skipped. */
class LoopRun {
  /** Keyed by node name: no prototype, so that a node may be called `constructor`. */
  readonly encoded: Record<string, string>;
  readonly decoded = new Map<string, unknown>();
  /** The nodes skipped so far, earlier loops' included; made at the first (most jobs skip none). */
  private skippedNodes: Set<string> | undefined;
  readonly valueOf = (name: string): unknown => {
    if (!this.decoded.has(name)) this.decoded.set(name, Object.hasOwn(this.encoded, name) ? decodeJobValue(this.job, name, this.encoded[name]) : undefined);
    return this.decoded.get(name);
  };
  readonly isSkipped = (name: string): boolean => this.skippedNodes?.has(name) ?? false;

  constructor(
    readonly version: RunnableNodes,
    readonly job: JobMessage,
    readonly options: LoopRunOptions,
  ) {
    this.encoded = Object.assign(byName<string>(), job.values);
    if (job.s !== undefined && job.s.length > 0) this.skippedNodes = new Set(job.s);
  }

  get skipped(): Set<string> {
    this.skippedNodes ??= new Set();
    return this.skippedNodes;
  }

  /** The loop's outcome once its nodes are done, or once `stop` stopped it. */
  outcome(stop?: NodeFailure | SpreadRequest): LoopOutcome {
    const values = this.encoded;
    if (stop === undefined) return { ok: true, values, skipped: this.skippedNodes === undefined ? [] : [...this.skippedNodes] };
    if (stop instanceof SpreadRequest) return { ok: "spread", node: stop.node, count: stop.count, elements: stop.elements, values };
    const { message, stack } = stop.error;
    const { node, attempt, element, failedAttempts, retryable } = stop;
    return { ok: false, node, attempt, ...(element === undefined ? {} : { element }), failedAttempts, retryable, message, stack, values };
  }
}

/**
 * Whether each of `nodes` after the first needs the one before it: their topological order is
 * the only one, so running them one after the other waits for nothing that could run meanwhile,
 * and what stops one (a failure, a spreading) stops every node after it, as it would anyway.
 */
function isChain(version: RunnableNodes, nodes: readonly string[]): boolean {
  for (let i = 1; i < nodes.length; i++) if (!(version.nodes.get(nodes[i]) as LoadedNode).node.dependencies.includes(nodes[i - 1])) return false;
  return true;
}

/** The chain's nodes from `from` on, one after the other; a node that fails stops it (the nodes after it need it). */
function runChain(run: LoopRun, nodes: readonly string[], from: number): LoopOutcome | Promise<LoopOutcome> {
  for (let i = from; i < nodes.length; i++) {
    let step: Promise<void> | undefined;
    try {
      step = runNode(run, nodes[i]);
    } catch (e) {
      return run.outcome(stopOf(e));
    }
    if (step !== undefined) return step.then(() => runChain(run, nodes, i + 1), (e: unknown) => run.outcome(stopOf(e)));
  }
  return run.outcome();
}

/** Each node as soon as the nodes it needs are done; a failure goes before a spreading, the first in the loop's order. */
async function runGraph(run: LoopRun, nodes: readonly string[]): Promise<LoopOutcome> {
  const running = new Map<string, Promise<void>>();
  const start = (name: string): Promise<void> => {
    let promise = running.get(name);
    if (promise === undefined) {
      const dependencies = (run.version.nodes.get(name) as LoadedNode).node.dependencies;
      promise = (async () => {
        if (dependencies.length > 0) await Promise.all(dependencies.map(start));
        await runNode(run, name);
      })();
      running.set(name, promise);
    }
    return promise;
  };
  const settled = await Promise.allSettled(nodes.map(start));
  const stops = settled.flatMap((s) => (s.status === "rejected" ? [stopOf(s.reason)] : []));
  return run.outcome(stops.find((s) => s instanceof NodeFailure) ?? stops.find((s) => s instanceof SpreadRequest));
}

/** What stopped a loop: a node's failure or a spreading; anything else is a bug of ours, thrown on. */
function stopOf(e: unknown): NodeFailure | SpreadRequest {
  if (e instanceof NodeFailure || e instanceof SpreadRequest) return e;
  throw e;
}

/**
 * Runs node `name` of the loop once the nodes it needs are done: at once (undefined) when its
 * outcome is there at once, else a promise. Its failure is thrown (or rejects) as a NodeFailure;
 * a mapped node to spread, as a SpreadRequest.
 */
function runNode(run: LoopRun, name: string): Promise<void> | undefined {
  const { version, job, options, encoded } = run;
  const { node, fn, program } = version.nodes.get(name) as LoadedNode;
  // Computed by an earlier attempt of this job.
  if (Object.hasOwn(encoded, name)) return undefined;
  const attempt = (ownValue(job.failed, name) ?? 0) + 1;
  const valueIn = scopedValues(node, run.valueOf);
  const step: NodeStep = { run, node, attempt, args: undefined, valueIn };
  // The one look at capture points a node call costs when none is set.
  const capturing = options.captures === undefined || options.captures.byNode.size === 0 ? undefined : options.captures.byNode.get(name);
  if (capturing !== undefined) step.capturing = { points: capturing, started: performance.now() };
  let output: NodeCallOutcome | Promise<NodeCallOutcome>;
  try {
    if (skipReason(node, run.isSkipped, valueIn) !== undefined) {
      run.skipped.add(name);
      return undefined;
    }
    const args = argumentValues(node.args, valueIn);
    step.args = args;
    if (node.kind === "subgraph-inputs") output = subgraphInputs(node, args);
    else if (node.kind === "subgraph-outputs") output = subgraphOutputs(node, run.skipped, run.valueOf);
    else if (node.kind === "mapped-subgraph") {
      const callElement: CallElement = (elementArgs) => runSubgraphElement(version, node, program as ReadonlyMap<string, LoadedNode>, elementArgs, job, options);
      output = runElements(node, args, job, run, options, callElement, true);
    } else if (node.mapIndex !== undefined) {
      const callElement: CallElement = (elementArgs, elementAttempt, element) => Promise.resolve(computeNode(version, node, fn as NodeFunction, elementArgs, job, elementAttempt, options, element));
      output = runElements(node, args, job, run, options, callElement, false);
    } else output = computeNode(version, node, fn as NodeFunction, args, job, attempt, options);
  } catch (e) {
    output = caughtInNode(step, e);
  }
  if (output instanceof Promise) return output.then((outcome) => finishNode(step, outcome), (e: unknown) => finishNode(step, caughtInNode(step, e)));
  finishNode(step, output);
  return undefined;
}

/** One call of a node of the loop (its arguments once they are read). */
interface NodeStep {
  run: LoopRun;
  node: ProductionNode;
  attempt: number;
  args: unknown[] | undefined;
  valueIn: (name: string) => unknown;
  /** The capture points that record this call, and when it started; none set, absent. */
  capturing?: { points: readonly LiveCapture[]; started: number };
}

/**
 * A node's outcome from what its call threw. A stop is thrown on (a failure a captured call
 * records first); a value that does not decode fails the node for good; anything else (a
 * cache that does not answer) fails it as if it threw.
 */
function caughtInNode(step: NodeStep, e: unknown): NodeCallOutcome {
  if (e instanceof NodeFailure) capture(step, e.attempt, { ok: false, kind: "error", error: e.error });
  if (e instanceof NodeFailure || e instanceof SpreadRequest) throw e;
  if (e instanceof UndecodableValueError) throw new NodeFailure(step.node, step.attempt, { message: e.message }, false);
  return { ok: false, kind: "error", error: describeNodeError(e, isCallerFrame) };
}

/** Keeps a node's output in the job's values, or throws its failure; a captured call is recorded either way. */
function finishNode(step: NodeStep, output: NodeCallOutcome): void {
  capture(step, step.attempt, output);
  if (!output.ok) throw new NodeFailure(step.node, step.attempt, output.error);
  step.run.decoded.set(step.node.name, output.value);
  step.run.encoded[step.node.name] = output.encoded;
}

/** Hands a call of a captured node to the worker's capture table (which records it where its condition holds); with none set, nothing. */
function capture({ run, node, args, valueIn, capturing }: NodeStep, attempt: number, outcome: NodeCallOutcome): void {
  if (capturing === undefined) return;
  run.options.captures?.record(capturing.points, node.name, valueIn, { jobId: run.job.id, attempt, args: args ?? [], outcome, durationMs: performance.now() - capturing.started });
}

/**
 * The values a node's arguments and condition read, by the names they were written with:
 * inside a subgraph, its inputs come from the call's inputs node and its nodes carry the
 * call's prefix.
 */
function scopedValues(node: ProductionNode, valueOf: (name: string) => unknown): (name: string) => unknown {
  const scope = node.scope;
  if (scope === undefined) return valueOf;
  return (name) => (scope.inputs.includes(name) ? valueAtPath(valueOf(scope.inputsNode), [name]) : valueOf(scope.prefix + name));
}

/** A subgraph call's inputs, by name: its arguments (one that is `undefined`, from `REF?`, counts as left out), then the defaults. */
function subgraphInputs(node: ProductionNode, args: readonly unknown[]): NodeCallOutcome {
  const { inputs, given } = node.subgraphInputs as NonNullable<ProductionNode["subgraphInputs"]>;
  const values = Object.fromEntries(given.flatMap((name, i) => (args[i] === undefined ? [] : [[name, args[i]]])));
  let value: Record<string, unknown>;
  try {
    value = resolveJobInput({ inputs }, values);
  } catch (e) {
    if (!(e instanceof JobInputError)) throw e;
    // Not retried: the same arguments would fail the same way.
    throw new NodeFailure(node, 1, { message: `the subgraph call of node '${node.name.replace(/\/\(inputs\)$/, "")}': ${e.message}` }, false);
  }
  return { ok: true, value, encoded: encodeValue(value) };
}

/** A subgraph call's value: the object of the subgraph's outputs by name, skipped ones left out. */
function subgraphOutputs(node: ProductionNode, skipped: ReadonlySet<string>, valueOf: (name: string) => unknown): NodeCallOutcome {
  const entries = (node.subgraphOutputs ?? []).filter((o) => !skipped.has(o.node)).map((o): [string, unknown] => [o.name, valueOf(o.node)]);
  const value = Object.fromEntries(entries);
  return { ok: true, value, encoded: encodeValue(value) };
}

/**
 * A mapped node: one call per element (the element in place of the mapped argument), up to
 * the worker's element slots at once. Element I's output is kept as `NODE#I` until every
 * element is done, so that a retry runs only the elements that failed. A map of many
 * elements is spread instead, unless its elements are `subgraphRuns`: those are never
 * spread, and an element that failed is not retried as a job either (its nodes had their
 * retries inside, and development mode does not retry a subgraph call as a whole).
 */
async function runElements(node: ProductionNode, args: unknown[], job: JobMessage, values: LoopRun, options: LoopRunOptions, callElement: CallElement, subgraphRuns: boolean): Promise<NodeCallOutcome> {
  // Named as the user wrote it (an inlined subgraph node's own name) in the not-an-array message.
  const calls = callsOf({ ...node, name: node.cacheAs?.node ?? node.name }, args);
  if (!Array.isArray(calls)) throw new NodeFailure(node, 1, { message: calls.message }, false);
  const count = calls.length;
  const elementArgs = (index: number) => calls[index].args;
  if (!subgraphRuns && options.spreadElements !== undefined && count >= options.spreadElements) {
    const missing = calls.flatMap((_, index) => (Object.hasOwn(values.encoded, `${node.name}#${index}`) ? [] : [index]));
    if (missing.length > 0) throw new SpreadRequest(node, count, missing.map((index) => ({ index, args: encodeValue(elementArgs(index)) })));
  }
  const results = await Promise.all(
    calls.map(async (_: unknown, index) => {
      const key = `${node.name}#${index}`;
      const attempt = (ownValue(job.failed, key) ?? 0) + 1;
      if (Object.hasOwn(values.encoded, key)) return { key, attempt, outcome: { ok: true, value: values.valueOf(key), encoded: values.encoded[key] } as NodeCallOutcome };
      const outcome = await options.elementSlots.run(() => callElement(elementArgs(index), attempt, { index, count })).catch(
        (e: unknown): NodeCallOutcome => ({ ok: false, kind: "error", error: describeNodeError(e, isCallerFrame) }),
      );
      if (outcome.ok) {
        values.encoded[key] = outcome.encoded;
        values.decoded.set(key, outcome.value);
      }
      return { key, attempt, outcome };
    }),
  );
  const failed = results.flatMap((r, index) => (r.outcome.ok ? [] : [{ ...r, index, error: r.outcome.error }]));
  if (failed.length > 0) {
    // The element furthest along in its attempts decides: a retry while it has attempts left, else a dead letter.
    const first = failed.reduce((furthest, f) => (f.attempt > furthest.attempt ? f : furthest));
    const prefix = `element ${first.index} of ${count}: `;
    const error = { ...first.error, message: prefix + first.error.message, stack: first.error.stack && prefix + first.error.stack };
    throw new NodeFailure(node, first.attempt, error, !subgraphRuns, Object.fromEntries(failed.map((f) => [f.key, f.attempt])), first.index);
  }
  const value = results.map((r) => (r.outcome as Extract<NodeCallOutcome, { ok: true }>).value);
  for (const { key } of results) {
    Reflect.deleteProperty(values.encoded, key);
    values.decoded.delete(key);
  }
  return { ok: true, value, encoded: encodeValue(value) };
}

/**
 * One element of a subgraph called with `map`: the subgraph's nodes run as a loop of the
 * element's own, as in development mode (skips, caches as nodes of the subgraph's graph). A
 * failed node is retried in place after its backoff; one out of attempts fails the element.
 */
async function runSubgraphElement(version: RunnableNodes, node: ProductionNode, program: ReadonlyMap<string, LoadedNode>, args: unknown[], job: JobMessage, options: LoopRunOptions): Promise<NodeCallOutcome> {
  const { alias } = node.subgraphProgram as NonNullable<ProductionNode["subgraphProgram"]>;
  let inputs: NodeCallOutcome;
  try {
    inputs = subgraphInputs(node, args);
  } catch (e) {
    if (e instanceof NodeFailure) return { ok: false, kind: "error", error: e.error };
    throw e;
  }
  if (!inputs.ok) return inputs;
  const loop = { nodes: [...program.keys()] };
  const inner = { graph: version.graph, nodes: program };
  const log = (jobId: string, name: string, text: string) => options.log(jobId, `${node.name}/${name}`, text);
  // The inner run's nodes are not spread, and its own job's values and attempts are the element's.
  const innerOptions: LoopRunOptions = { ...options, spreadElements: undefined, log };
  let values: Record<string, string> = Object.assign(byName<string>(), { [PROGRAM_INPUTS]: inputs.encoded });
  let failed: Record<string, number> = byName<number>();
  for (;;) {
    const outcome = await runLoop(inner, loop, { ...job, values, failed, s: undefined }, innerOptions);
    if (outcome.ok === true) {
      const encoded = outcome.values[PROGRAM_OUTPUTS];
      return { ok: true, value: decodeValue(encoded), encoded };
    }
    if (outcome.ok === "spread") throw new Error(`node '${outcome.node.name}' of subgraph '${alias}' asked to be spread`);
    const delayMs = outcome.retryable ? retryDelayAfter(outcome.node.options, outcome.attempt, "prod") : undefined;
    if (delayMs === undefined) {
      return { ok: false, kind: "error", error: { message: `node '${outcome.node.name}' of subgraph '${alias}' failed: ${outcome.message}`, ...(outcome.stack === undefined ? {} : { stack: outcome.stack }) } };
    }
    log(job.id, outcome.node.name, `attempt ${outcome.attempt} failed: ${outcome.message}; ${retryingIn(delayMs)}`);
    await sleep(delayMs, undefined, { signal: options.signal });
    values = outcome.values;
    failed = Object.assign(byName<number>(), failed, outcome.failedAttempts);
  }
}

/** One element of a spread map, run as a message of its own: from the cache, else from calling it. */
export async function runElement(version: RunnableNodes, node: ProductionNode, fn: NodeFunction, args: unknown[], job: JobMessage, element: { index: number; count: number; attempt: number }, options: LoopRunOptions): Promise<NodeCallOutcome> {
  try {
    return await computeNode(version, node, fn, args, job, element.attempt, options, { index: element.index, count: element.count });
  } catch (e) {
    // A cache that does not answer: the element fails as if it threw.
    return { ok: false, kind: "error", error: describeNodeError(e, isCallerFrame) };
  }
}

function decodeJobValue(job: JobMessage, name: string, text: string): unknown {
  try {
    return decodeValue(text);
  } catch (e) {
    throw new UndecodableValueError(`the value '${name}' of job ${job.id} cannot be decoded (${(e as Error).message}): the job is damaged`);
  }
}

/**
 * Calls a node's function for a job, through its cache when it has `cache:`. The outcome of
 * a function that returned a value comes at once, not as a promise (see callNodeFunction).
 */
function computeNode(
  version: RunnableNodes,
  node: ProductionNode,
  fn: NodeFunction,
  args: unknown[],
  job: JobMessage,
  attempt: number,
  options: LoopRunOptions,
  element?: { index: number; count: number },
): NodeCallOutcome | Promise<NodeCallOutcome> {
  const identity = node.cacheAs;
  const fields: ContextFields = { graph: identity?.graph ?? version.graph.name, node: identity?.node ?? node.name, jobId: job.id, attempt, mode: "prod" };
  if (element !== undefined) Object.assign(fields, element);
  // Stray errors of the node's code are told apart by the run they come from (stray-errors.ts).
  const run: NodeRun = { node: node.name, jobId: job.id };
  const callOptions: NodeCallOptions = {
    timeoutMs: node.options.timeoutMs,
    signal: options.signal,
    log: (text) => options.log(job.id, node.name, text),
    isCallerFrame,
    invoke: (call, callArgs) => nodeRuns.run(run, callFromHere, call, callArgs),
  };
  const cached = cachedCall(fields, node, args, options.cache);
  if (cached === undefined) return callNodeFunction(fn, args, fields, callOptions);
  return callThroughCache(cached, () => callNodeFunction(fn, args, fields, callOptions));
}

async function callThroughCache(cached: CachedCall, call: () => NodeCallOutcome | Promise<NodeCallOutcome>): Promise<NodeCallOutcome> {
  const hit = await cached.read();
  if (hit.kind === "hit") return { ok: true, value: hit.value, encoded: hit.entry.value };
  const started = performance.now();
  const outcome = await call();
  if (outcome.ok) await cached.write(outcome.encoded, performance.now() - started);
  return outcome;
}

function isCallerFrame(line: string): boolean {
  return line.includes(__filename);
}

/** Calls a node's function from this file: its stack is cut at this frame (isCallerFrame), above AsyncLocalStorage's own. */
function callFromHere(fn: NodeFunction, args: unknown[]): unknown {
  return fn(...args);
}

/** Production caches only nodes with an explicit `cache:` duration or `forever`; a subgraph's nodes as nodes of their own graph. */
function cachedCall(identity: Pick<ContextFields, "graph" | "node">, node: ProductionNode, args: readonly unknown[], cache: NodeCache | undefined): CachedCall | undefined {
  const policy = node.options.cache;
  if (cache === undefined || policy === undefined || policy.kind === "off") return undefined;
  return new CachedCall(cache, { graph: identity.graph, node: identity.node, codeHash: node.codeHash, options: node.options }, args, cacheTtlMs(policy, undefined));
}
