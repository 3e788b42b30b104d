// The Orchestrator: the development-mode engine that steps one job through a graph. A
// plain EventEmitter: it knows nothing of DAP or of terminals; the debug adapter and the
// CLI drive it and listen to it.
//
// While continuing, every ready node is started at once and the ProcessPool runs as many
// as it has hosts; while stepping, exactly one node runs, the next in the graph's
// deterministic order. Before a node starts, the caller's stop condition is asked.
//
// Steps go below nodes in two places. A `map` node reached by a step is run element by
// element (each element a step; continue runs the rest at once). A subgraph node entered
// with stepIn, or whose subgraph stops at a breakpoint, keeps its nested Orchestrator in
// `entered`: until that job ends, resuming drives it, and its stops are this job's stops.
//
// A node whose calls are running can be cancelled (cancel()): its signal is aborted, and
// it goes back to pending, as if it had not started; the run stops before it once the
// other nodes running have finished, as it does after a failure.
//
// goto() (Jump to Cursor) moves the run to before any node of this job: the nodes it needs
// are run first without stopping (from the cache where they are in it), and a node that
// had finished is made pending again with everything downstream of it (a jump back).
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { GraphModel, NodeModel, SubgraphCallModel } from "../graph/model";
import type { NodeCache } from "../store/node-cache";
import type { LogLevel } from "./host-protocol";
import type { BuiltModule } from "./module-bundler";
import { isDone, isSettled, type CacheState, type NodeFailure, type NodeRecord, type NodeState } from "./node-state";
import type { ProcessPool } from "./process-pool";
import { CachedCall, cacheTtlMs } from "./cached-call";
import { callsOf, elementCall, type ElementCall } from "./element-calls";
import { itAndDownstream, upstreamOf } from "./goto-plan";
import { resolveJobInput } from "./job-input";
import { argumentValues } from "./node-arguments";
import { retryDelayAfter, retryingIn } from "./node-call";
import { skipReason, type SkipReason } from "./node-skip";
import { elementsText, hitText, RAN_WITHOUT_CACHE, subgraphText } from "./run-reason";
import { decodeValue, encodeValue } from "./values";

export const CACHE_MODES = ["use", "refresh", "off"] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

export interface OrchestratorOptions {
  pool: ProcessPool;
  /** Absent: nothing is cached. */
  cache?: NodeCache;
  cacheMode: CacheMode;
  /** TTL of nodes without a `cache:` duration. */
  defaultTtlMs: number;
  /** Stop at a node that fails (after its retries) instead of running on. */
  stopOnError?: boolean;
  jobId?: string;
  /** The value of each pin file, by absolute path (graph-loader reads them). */
  pins?: ReadonlyMap<string, unknown>;
  /**
   * For the job of a subgraph call: the calling path in front of its nodes' places (in
   * the records of their last cached runs), so that each call site has its own.
   */
  site?: string;
  /** A replay's outputs that production recorded, by node: those nodes take them instead of running (replay-plan.ts). */
  recorded?: ReadonlyMap<string, unknown>;
  /** A replay's nodes that cannot run here, with why: they never start, and the job ends without them. */
  outOfReach?: ReadonlyMap<string, string>;
}

/**
 * `computedAt`: when the output was computed (for a cached one, when it was written to the
 * cache). `why`: why it ran, or the run a cached output came from (run-reason.ts).
 */
type CallResult = ({ ok: true; value: unknown; key?: string; computedAt: number } | { ok: false; error: NodeFailure }) & { cache: CacheState; attempts: number; ranForMs: number; why?: string };

/** `cancel`: before a node whose run was cancelled (cancel()). `goto`: before the node goto() moved to. */
export type StopReason = "entry" | "breakpoint" | "step" | "pause" | "exception" | "cancel" | "goto";

/**
 * Asked before each node starts: stop here? `values` holds the inputs and the outputs so
 * far; `graph` is the graph the node is in (a subgraph's, for the nodes of one).
 */
export type StopCondition = (node: NodeModel, args: unknown[], values: Readonly<Record<string, unknown>>, graph: GraphModel) => boolean | Promise<boolean>;

/** The element of a `map` node a stop is before: its index, how many there are, its call's arguments. */
export interface ElementStop {
  index: number;
  count: number;
  args: unknown[];
}

/** One job's part of where the run is stopped: its node, and the element of it when it is a map node run element by element. */
export interface StopLevel {
  job: Orchestrator;
  node: string;
  element?: ElementStop;
}

export interface OrchestratorEvents {
  nodeStarted: [{ node: string }];
  /**
   * Calls of a node started running (the whole node, an element stepped, the remaining
   * elements) and, once all of them have their result, ended: what the node is running
   * for, not counting the stops between its elements.
   */
  callsStarted: [{ node: string }];
  callsEnded: [{ node: string }];
  /** A node's run was cancelled (cancel()): it is pending again. `durationMs`: how long it ran. */
  nodeCancelled: [{ node: string; durationMs: number }];
  /** One element of a `map` node finished (its state's `elements` counts it). */
  elementFinished: [{ node: string; index: number }];
  nodeFinished: [{ node: string; status: FinishedStatus; durationMs: number }];
  log: [{ node: string; level: LogLevel | "warn"; text: string }];
  /** `node` is this job's node; `element` is set at a map node's element. */
  stopped: [{ reason: StopReason; node: string; element?: number }];
  finished: [{ outputs: Record<string, unknown>; failed: boolean }];
}

type DriveMode = "continue" | "next" | "in" | "out";

/** A goto's drive: it runs only the nodes the target needs (`needs`), and stops before the target. */
interface GotoDrive {
  target: string;
  needs: ReadonlySet<string>;
}

/** How a node finished. */
export type FinishedStatus = "ran" | "cached" | "pinned" | "recorded" | "failed" | "skipped";

/** A node's calls once it has started, and the results of those that finished (by index). */
interface StartedCalls {
  state: NodeState;
  calls: ElementCall[];
  results: (CallResult | undefined)[];
  started: number;
  skipCacheRead: boolean;
  /** Aborted by cancel(): the calls running stop, those not started never start. */
  abort: AbortController;
  /** How many of the calls are running now. */
  running: number;
}

/** A stop chosen while driving: the node, and for a map node reached by a step, its element. */
interface StopChoice {
  node: string;
  reason: StopReason;
  element?: number;
}

/** A subgraph job stopped inside: the calling node, and why the subgraph stopped. */
interface EnteredSubgraph {
  node: string;
  job: Orchestrator;
  reason: StopReason;
}

export class Orchestrator extends EventEmitter<OrchestratorEvents> {
  readonly jobId: string;
  /** Every finished node, in the order they finished. */
  readonly history: NodeRecord[] = [];
  private readonly states: Map<string, NodeState>;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Nodes started and not yet finished, with their calls. */
  private readonly startedCalls = new Map<string, StartedCalls>();
  /** Nodes cancelled (pending again) that the drive waiting for them has not yet stopped before. */
  private readonly cancelled = new Set<string>();
  /** Unset, no node is asked about (and the values it would see are not gathered). */
  private stopCondition: StopCondition | undefined;
  private currentNode: string | undefined;
  /** Set when stopped before an element of the current (map) node. */
  private currentElementIndex: number | undefined;
  /** The map node being run element by element, until its last element finished. */
  private elementRun: StartedCalls | undefined;
  /** The subgraph job the run is stopped inside. */
  private entered: EnteredSubgraph | undefined;
  /** The subgraph job a resume is driving, for pause(). */
  private delegate: Orchestrator | undefined;
  private driving = false;
  /** Set while a goto drives: nothing stops on the way, not even inside a subgraph called on the way. */
  private noStops = false;
  private pauseRequested = false;
  private wakeUp: () => void = () => undefined;
  private disposed = false;
  private finishedOnce = false;
  /** Recorded nodes that run here from now on: re-run, or stale after a change upstream of them. */
  private readonly runLocally = new Set<string>();

  constructor(
    readonly graph: GraphModel,
    private readonly modules: ReadonlyMap<string, BuiltModule>,
    readonly inputs: Readonly<Record<string, unknown>>,
    private readonly options: OrchestratorOptions,
  ) {
    super();
    this.jobId = options.jobId ?? randomUUID();
    this.states = new Map(
      graph.nodes.map((node) => {
        const outOfReach = options.outOfReach?.get(node.name);
        return [node.name, { node, status: "pending", attempts: 0, ...(outOfReach === undefined ? {} : { outOfReach }) }];
      }),
    );
  }

  /** The node the run is stopped at (before it, or at it when it failed or still runs). */
  get current(): string | undefined {
    return this.currentNode;
  }

  /** Before which element of the current map node the run is stopped; undefined before a whole node. */
  get currentElement(): ElementStop | undefined {
    const index = this.currentElementIndex;
    if (index === undefined || this.currentNode === undefined) return undefined;
    const run = this.elementRun;
    if (run?.state.node.name === this.currentNode) return index < run.calls.length ? { index, count: run.calls.length, args: run.calls[index].args } : undefined;
    const node = this.state(this.currentNode).node;
    const call = elementCall(node, this.argumentValues(node), index);
    return call && { index, count: call.count, args: call.args };
  }

  /** Where the run is stopped, outermost first: this job, then the subgraph jobs entered. Empty while it is not stopped. */
  get levels(): StopLevel[] {
    if (this.currentNode === undefined) return [];
    const element = this.currentElement;
    const here: StopLevel = { job: this, node: this.currentNode, ...(element ? { element } : {}) };
    return this.entered ? [here, ...this.entered.job.levels] : [here];
  }

  get isRunning(): boolean {
    return this.driving;
  }

  /** The job ended (its `finished` event), and no node has been made to run again since. */
  get finished(): boolean {
    return this.finishedOnce && [...this.states.values()].every((s) => s.status !== "pending" && s.status !== "running");
  }

  get cacheMode(): CacheMode {
    return this.options.cacheMode;
  }

  state(name: string): NodeState {
    const state = this.states.get(name);
    if (!state) throw new Error(`no node '${name}' in graph '${this.graph.name}'`);
    return state;
  }

  /** Stop at a node that fails (after its retries), or run on past it. */
  setStopOnError(stop: boolean): void {
    this.options.stopOnError = stop;
  }

  setStopCondition(condition: StopCondition | undefined): void {
    this.stopCondition = condition;
  }

  /** Stops before the first node, without running anything. */
  stopOnEntry(): void {
    const first = this.stepStop("entry");
    if (!first) return this.finishIfDone();
    this.stopAt(first);
  }

  /** Runs until a stop, a failure (with stopOnError) or the end. */
  continue(): Promise<void> {
    return this.drive("continue");
  }

  /**
   * Runs the next node in order and stops before the one after it. At a map node's element:
   * runs that element and stops before the next (after the last, before the next node).
   */
  step(): Promise<void> {
    return this.drive("next");
  }

  /**
   * Before a subgraph node: enters it, stopping before the subgraph's first node. Before a
   * map node with elements: stops before its element 0, running nothing. Else as step().
   */
  stepIn(): Promise<void> {
    return this.drive("in");
  }

  /**
   * Inside a subgraph: runs the rest of it and stops after its node. At a map node's
   * element: runs the remaining elements and stops after the node. Else runs to the end of
   * the current node's loop: stops before the first node of another loop.
   */
  stepOut(): Promise<void> {
    return this.drive("out");
  }

  /** Stops before the next node to start; a node still running is where it stops. */
  pause(): void {
    if (!this.driving) return;
    this.pauseRequested = true;
    this.delegate?.pause();
    this.wakeUp();
  }

  /** The nodes of this job whose calls are running now (a subgraph node while its job runs, too). */
  get calling(): string[] {
    return [...this.startedCalls.values()].filter((s) => s.running > 0).map((s) => s.state.node.name);
  }

  /** Whether cancel() can stop this node now: its calls are running, and it is not a subgraph node (whose job runs nodes of its own). */
  canCancel(name: string): boolean {
    const started = this.startedCalls.get(name);
    return started !== undefined && started.running > 0 && !started.state.node.subgraph && !started.abort.signal.aborted;
  }

  /**
   * Cancels a node whose calls are running: their signal is aborted (a host whose code
   * ignores it is killed after a grace period), calls not yet started never start, and
   * the node goes back to pending, its run discarded (nothing cached, nothing recorded).
   * A drive waiting for it starts nothing more and stops before it (reason `cancel`) once
   * the other nodes running have finished. False when there is nothing to cancel.
   */
  cancel(name: string): boolean {
    if (!this.canCancel(name)) return false;
    (this.startedCalls.get(name) as StartedCalls).abort.abort(new Error(`node '${name}' was cancelled in the debugger`));
    this.wakeUp();
    return true;
  }

  /**
   * Why goto(name) cannot be done now; undefined when it can. Refused while the graph
   * runs, while stopped inside a node (a map node between its elements, a subgraph node
   * entered: its run has begun with the values it uses), and while a node still runs
   * (paused at it: its output would land in the middle of the jump).
   */
  gotoRefusal(name: string): string | undefined {
    if (!this.states.has(name)) return `no node '${name}' in graph '${this.graph.name}'`;
    if (this.driving) return "cannot jump while the graph is running: pause it first";
    if (this.disposed) return "cannot jump: the session has ended";
    const inside = this.elementRun?.state.node.name ?? this.entered?.node;
    if (inside !== undefined) return `cannot jump while stopped inside '${inside}' (${this.entered ? "a subgraph node stepped into" : "a map node between its elements"}): step out of it first`;
    const running = [...this.inFlight.keys()][0];
    if (running !== undefined) return `cannot jump while node '${running}' still runs: let it finish (next) or cancel it first`;
    return undefined;
  }

  /**
   * Jump to Cursor: moves the run to before node `name` and stops there (reason `goto`),
   * without stopping on the way (no stop condition is asked, here or inside subgraphs).
   * The nodes it needs that have not finished run first, in parallel as when continuing,
   * each read from the cache when it is there; nodes it does not need wait, the node the
   * run was stopped at among them. A node that had finished (a jump back) is pending again,
   * with every node downstream of it: they run again when the run goes on. A node on the
   * way that fails (whatever stopOnError says: the target cannot be reached) or is
   * cancelled is where the run stops instead. Rejects with gotoRefusal()'s reason.
   */
  goto(name: string): Promise<void> {
    const refusal = this.gotoRefusal(name);
    if (refusal !== undefined) return Promise.reject(new Error(refusal));
    if (this.state(name).status !== "pending") this.jumpBack(name);
    return this.drive("continue", { target: name, needs: upstreamOf(this.graph, name) });
  }

  /** A jump back to `name`: it and every finished node downstream of it are pending again, their outputs gone (their records stay in the history). */
  private jumpBack(name: string): void {
    for (const node of itAndDownstream(this.graph, name)) {
      const state = this.state(node);
      if (state.status === "pending") continue;
      Object.assign(state, { status: "pending", args: undefined, value: undefined, error: undefined, cache: undefined, key: undefined, skip: undefined, elements: undefined, attempts: 0 });
      Object.assign(state, { ranForMs: undefined, durationMs: undefined, computedAt: undefined, rerun: undefined, staleBecause: undefined, jumpedBackTo: name });
    }
  }

  /** The argument values a node gets from the inputs and the outputs so far. */
  argumentValues(node: NodeModel): unknown[] {
    return argumentValues(node.args, (name) => this.valueNamed(name));
  }

  /** Why the node is skipped, given what has run so far; undefined when it runs. */
  private skipOf(node: NodeModel): SkipReason | undefined {
    return skipReason(node, (name) => this.state(name).status === "skipped", (name) => this.valueNamed(name));
  }

  /** An input's value, or a node's output (undefined while it has none, or when it was skipped). */
  private valueNamed(name: string): unknown {
    return this.states.has(name) ? this.states.get(name)?.value : this.inputs[name];
  }

  /** The inputs and every finished node's output, by name. */
  values(): Record<string, unknown> {
    const values: Record<string, unknown> = { ...this.inputs };
    for (const [name, state] of this.states) if (isDone(state)) values[name] = state.value;
    return values;
  }

  /** Runs a node again now, skipping the cache; the finished nodes downstream become stale. */
  async rerun(name: string): Promise<void> {
    this.assertStopped("re-run a node");
    const state = this.state(name);
    this.assertNotUsedInside(name, "re-run");
    if (state.node.dependencies.some((d) => !isSettled(this.state(d)))) throw new Error(`node '${name}' cannot run yet: not every node it uses has finished`);
    this.markStale(name);
    this.runLocally.add(name);
    await this.execute(state, { skipCacheRead: true });
    // Cancelled, the node is pending again; the run stays stopped where it was.
    this.cancelled.delete(name);
  }

  /** Replaces a finished node's output: kept in the cache as `edited`, and the nodes downstream become stale. */
  async editOutput(name: string, value: unknown): Promise<void> {
    this.assertStopped("edit an output");
    const state = this.state(name);
    this.assertNotUsedInside(name, "edit");
    if (!isDone(state)) throw new Error(`node '${name}' has no output to edit yet`);
    const encoded = encodeValue(value);
    state.value = decodeValue(encoded);
    state.cache = "edited";
    state.computedAt = Date.now();
    state.why = hitText(state.computedAt, true);
    await this.cachedCall(state.node, state.args ?? [])?.write(encoded, state.ranForMs ?? 0, true);
    this.markStale(name);
  }

  /** The graph's outputs by name (those finished so far). */
  outputs(): Record<string, unknown> {
    const outputs: Record<string, unknown> = {};
    for (const name of this.graph.outputs) {
      const state = this.state(name);
      if (isDone(state)) outputs[name] = state.value;
    }
    return outputs;
  }

  /** Ends the job: running node code is killed. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.wakeUp();
    await this.options.pool.close();
  }

  private async drive(mode: DriveMode, goto?: GotoDrive): Promise<void> {
    this.assertStopped("resume");
    if (!goto && this.finishedOnce && this.readyNodes().length === 0) throw new Error("the job has finished");
    this.driving = true;
    this.noStops = goto !== undefined;
    this.pauseRequested = false;
    // Events never fire before the caller holds the promise (and has had a chance to listen).
    await Promise.resolve();
    // The node we are stopped at was already asked about; resuming must not stop there again.
    const resumedFrom = this.currentNode;
    const resumedElement = this.currentElementIndex;
    const entered = this.entered;
    this.currentNode = undefined;
    this.currentElementIndex = undefined;
    this.entered = undefined;
    let steps = mode === "continue" ? Infinity : 1;
    let until: ((node: NodeModel) => boolean) | undefined;
    let stopAt: StopChoice | undefined;
    let failed: string | undefined;
    let cancelled: string | undefined;
    try {
      if (entered) {
        await this.driveEntered(entered, mode);
        // Stopped again inside (the loop below stops at once), or the subgraph's job ended
        // and its node finishes: a step stops after it.
        if (mode !== "continue") steps = 0;
      } else if (resumedFrom !== undefined && resumedElement !== undefined && this.runElements(resumedFrom, resumedElement, mode)) {
        if (mode !== "continue") steps = 0;
      } else if (mode === "in" && resumedFrom !== undefined && this.firstElement(this.state(resumedFrom).node) !== undefined) {
        stopAt = { node: resumedFrom, reason: "step", element: 0 };
      } else if (mode === "out") {
        const loop = resumedFrom ? this.state(resumedFrom).node.loop : undefined;
        steps = Infinity;
        until = (node) => node.loop !== loop;
      } else if (resumedFrom !== undefined && this.inFlight.has(resumedFrom)) {
        // Paused at a running node: resuming waits for it, then stops as after a step.
        steps = 0;
      }
      // A goto runs what its target needs, and nothing else (not the target).
      if (goto) until = (node) => !goto.needs.has(node.name);
      // The nodes this drive waits for: those it launches, and one still running from before
      // (paused at it). Their failures are looked for, not taken from the race below: a node
      // can finish while a stop condition is asked, or beside another node.
      const running = new Set(this.inFlight.keys());
      const noticeFailures = () => {
        for (const name of running) {
          if (this.inFlight.has(name)) continue;
          running.delete(name);
          if (this.cancelled.delete(name)) cancelled ??= name;
          else if ((goto || this.options.stopOnError) && this.state(name).status === "failed") failed ??= name;
        }
      };
      // Once a node is cancelled, nothing more starts: the drive stops when what runs has finished.
      const halting = () => failed !== undefined || cancelled !== undefined || this.cancelling();
      for (;;) {
        if (this.disposed) return;
        // A subgraph job stopped inside: this job stops there at once, its other nodes running on.
        const inside = this.insideSubgraph();
        if (inside) {
          stopAt = { node: inside.node, reason: inside.reason };
          break;
        }
        if (stopAt === undefined && !halting() && !this.pauseRequested) {
          if (steps === 0) {
            // The step is chosen once what runs has finished: the next in order from there.
            if (this.inFlight.size === 0) {
              stopAt = this.stepStop("step");
              break;
            }
          } else {
            for (const node of this.readyNodes(mode === "next" || mode === "in" ? resumedFrom : undefined)) {
              // stepOut: nodes past the current loop wait, while the loop's own nodes run on (a goto: the nodes its target does not need).
              if (until?.(node)) continue;
              if (!goto && node.name !== resumedFrom && this.stopCondition && (await this.stopCondition(node, this.argumentValues(node), this.values(), this.graph))) {
                stopAt = { node: node.name, reason: "breakpoint" };
                break;
              }
              if (this.disposed) return;
              this.launch(node, mode === "in" && node.name === resumedFrom);
              running.add(node.name);
              // Stepping runs exactly one node, and the next is chosen once it has finished.
              if (--steps === 0) break;
            }
          }
        }
        noticeFailures();
        if (this.inFlight.size === 0) break;
        if (this.insideSubgraph()) continue;
        const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
        await Promise.race([...this.inFlight.values(), woken]);
        noticeFailures();
        // A pause stops at once, even while a node runs on (one that never returns, say).
        if (this.pauseRequested && this.inFlight.size > 0 && !this.insideSubgraph()) {
          stopAt = { node: [...this.inFlight.keys()].sort((a, b) => this.order(a) - this.order(b))[0], reason: "pause" };
          break;
        }
        if (halting() && this.inFlight.size === 0) break;
      }
    } finally {
      this.driving = false;
      this.noStops = false;
    }
    if (this.disposed) return;
    const inside = this.insideSubgraph();
    if (inside) return this.stopAt({ node: inside.node, reason: inside.reason });
    if (failed !== undefined) return this.stopAt({ node: failed, reason: "exception" });
    if (cancelled !== undefined) return this.stopAt({ node: cancelled, reason: "cancel" });
    if (stopAt) return this.stopAt(stopAt);
    const next = this.readyNodes()[0];
    if (this.pauseRequested && next) return this.stopAt({ node: next.name, reason: "pause" });
    if (goto) return this.stopAt({ node: goto.target, reason: "goto" });
    const afterLoop = until ? this.stepStop("step") : undefined;
    if (afterLoop) return this.stopAt(afterLoop);
    this.finishIfDone();
  }

  /** Whether a node was cancelled and has not yet wound down. */
  private cancelling(): boolean {
    return [...this.startedCalls.values()].some((s) => s.abort.signal.aborted);
  }

  /** The subgraph job stopped inside (set by its stopped event, at any await). */
  private insideSubgraph(): EnteredSubgraph | undefined {
    return this.entered;
  }

  /**
   * Resumes the subgraph job stopped inside. `out` leaves it (it runs to its end) unless
   * the stop is deeper still (a subgraph or a map element inside it), which it then leaves.
   */
  private async driveEntered(entered: EnteredSubgraph, mode: DriveMode): Promise<void> {
    const job = entered.job;
    const deeper = job.entered !== undefined || job.currentElementIndex !== undefined;
    this.delegate = job;
    try {
      if (mode === "continue" || (mode === "out" && !deeper)) await job.continue();
      else if (mode === "next") await job.step();
      else if (mode === "in") await job.stepIn();
      else await job.stepOut();
    } finally {
      this.delegate = undefined;
    }
  }

  /**
   * At element `from` of map node `name`: runs that element (a step) or every remaining one
   * (continue, stepOut; stepIn is a step), as the node's run in flight. False when the node
   * has no such element any more (an edit upstream changed its list): then it runs as a node.
   */
  private runElements(name: string, from: number, mode: DriveMode): boolean {
    const state = this.state(name);
    let run = this.elementRun;
    if (run?.state !== state) {
      if (state.status !== "pending" || this.firstElement(state.node) === undefined) return false;
      run = this.start(state, false) ?? undefined;
      if (!run) return false;
      this.elementRun = run;
    }
    if (from >= run.calls.length) return false;
    const started = run;
    const to = mode === "next" || mode === "in" ? from + 1 : started.calls.length;
    const indices = Array.from({ length: to - from }, (_, i) => from + i);
    const done = this.runCalls(started, indices).then(() => {
      if (started.results.includes(undefined) && !started.abort.signal.aborted) return;
      this.elementRun = undefined;
      this.conclude(started);
    });
    this.inFlight.set(name, done.finally(() => this.inFlight.delete(name)));
    return true;
  }

  /**
   * Where a step stops: the map node run element by element, at its next element; else
   * the next ready node, at its element 0 when it is a map node with elements to run.
   */
  private stepStop(reason: "step" | "entry"): StopChoice | undefined {
    const run = this.elementRun;
    if (run) return { node: run.state.node.name, reason, element: run.results.findIndex((r) => r === undefined) };
    const next = this.readyNodes()[0];
    if (!next) return undefined;
    const element = this.firstElement(next);
    return { node: next.name, reason, ...(element === undefined ? {} : { element }) };
  }

  /** 0 when a ready node is a map node with elements to run (not skipped, not pinned); else undefined. */
  private firstElement(node: NodeModel): number | undefined {
    if (node.mapIndex === undefined || node.pin !== undefined || this.state(node.name).status !== "pending") return undefined;
    if (this.skipOf(node)) return undefined;
    return elementCall(node, this.argumentValues(node), 0) ? 0 : undefined;
  }

  private stopAt({ node, reason, element }: StopChoice): void {
    this.currentNode = node;
    this.currentElementIndex = element;
    this.emit("stopped", { reason, node, ...(element === undefined ? {} : { element }) });
  }

  private finishIfDone(): void {
    if (this.readyNodes().length > 0 || this.inFlight.size > 0) return;
    let failed = false;
    for (const state of this.states.values()) {
      if (state.status === "pending") state.status = "not-run";
      // A replay's node that cannot run here is not a failure of this run.
      if (state.status === "failed" || (state.status === "not-run" && state.outOfReach === undefined)) failed = true;
    }
    this.finishedOnce = true;
    this.emit("finished", { outputs: this.outputs(), failed });
  }

  /**
   * Pending nodes whose every dependency is done, in the graph's order; `first` (the node
   * a step resumes from) ahead of the others when it is one of them: a step runs the node
   * stopped before, even when a node earlier in order became ready meanwhile (after a goto
   * to another branch, at a breakpoint reached while continuing). In a replay, a node that
   * takes production's output does not wait for a dependency that cannot run here.
   */
  private readyNodes(first?: string): NodeModel[] {
    const ready = this.graph.nodes.filter((node) => {
      const state = this.state(node.name);
      if (state.status !== "pending" || state.outOfReach !== undefined || this.inFlight.has(node.name)) return false;
      const takesRecorded = this.options.recorded?.has(node.name) === true && !this.runLocally.has(node.name);
      return node.dependencies.every((d) => isSettled(this.state(d)) || (takesRecorded && this.state(d).outOfReach !== undefined));
    });
    const at = first === undefined ? -1 : ready.findIndex((node) => node.name === first);
    return at > 0 ? [ready[at], ...ready.slice(0, at), ...ready.slice(at + 1)] : ready;
  }

  private launch(node: NodeModel, enter = false): void {
    const done = this.execute(this.state(node.name), { skipCacheRead: false, enter }).finally(() => this.inFlight.delete(node.name));
    this.inFlight.set(node.name, done);
  }

  /** `enter`: a subgraph node's job stops before its first node (stepIn). */
  private async execute(state: NodeState, { skipCacheRead, enter = false }: { skipCacheRead: boolean; enter?: boolean }): Promise<void> {
    const started = this.start(state, skipCacheRead);
    if (!started) return;
    await this.runCalls(started, started.calls.map((_, i) => i), enter);
    this.conclude(started);
  }

  /**
   * Starts a node: skipped, pinned, or a map over something that is not an array, it
   * finishes at once (undefined); else its calls, to run.
   */
  private start(state: NodeState, skipCacheRead: boolean): StartedCalls | undefined {
    const node = state.node;
    const started = performance.now();
    // A node cancelled before (outside a drive that stopped before it) starts afresh.
    this.cancelled.delete(node.name);
    Object.assign(state, { status: "running", error: undefined, value: undefined, why: undefined, skip: undefined, elements: undefined, key: undefined, computedAt: undefined, staleBecause: undefined, jumpedBackTo: undefined, rerun: skipCacheRead });
    this.emit("nodeStarted", { node: node.name });
    const finish = (status: FinishedStatus) => this.finish(state, status, performance.now() - started);

    // Production ran it for the replayed job: its output is production's (unless made to run here).
    const recorded = this.options.recorded;
    if (recorded?.has(node.name) && !skipCacheRead && !this.runLocally.has(node.name)) {
      state.args = this.argumentValues(node);
      state.value = structuredClone(recorded.get(node.name));
      state.cache = "recorded";
      return void finish("recorded");
    }

    state.skip = this.skipOf(node);
    if (state.skip) {
      state.cache = undefined;
      return void finish("skipped");
    }
    const args = this.argumentValues(node);
    state.args = args;
    if (node.pin !== undefined) {
      state.value = structuredClone(this.options.pins?.get(node.pin));
      state.cache = "pinned";
      return void finish("pinned");
    }

    const calls = callsOf(node, args);
    if (!Array.isArray(calls)) {
      state.error = calls;
      state.cache = "off";
      return void finish("failed");
    }
    if (node.mapIndex !== undefined) state.elements = { count: calls.length, finished: 0 };
    const run: StartedCalls = { state, calls, results: new Array<CallResult | undefined>(calls.length).fill(undefined), started, skipCacheRead, abort: new AbortController(), running: 0 };
    this.startedCalls.set(node.name, run);
    return run;
  }

  private async runCalls(started: StartedCalls, indices: number[], enter = false): Promise<void> {
    const { state } = started;
    const signal = started.abort.signal;
    started.running += indices.length;
    this.emit("callsStarted", { node: state.node.name });
    try {
      await Promise.all(
        indices.map(async (i) => {
          try {
            started.results[i] = await this.invoke(state.node, started.calls[i], state, started.skipCacheRead, enter, signal);
          } finally {
            started.running--;
          }
          // A cancelled call did not finish: the node will not count it.
          if (!state.elements || signal.aborted) return;
          state.elements.finished++;
          if (!this.disposed) this.emit("elementFinished", { node: state.node.name, index: i });
        }),
      );
    } finally {
      if (!this.disposed) this.emit("callsEnded", { node: state.node.name });
    }
  }

  /** Finishes a node whose every call has its result; a cancelled one goes back to pending. */
  private conclude({ state, results: maybeResults, started, abort }: StartedCalls): void {
    const node = state.node;
    this.startedCalls.delete(node.name);
    if (abort.signal.aborted) {
      Object.assign(state, { status: "pending", args: undefined, value: undefined, error: undefined, cache: undefined, why: undefined, key: undefined, elements: undefined, attempts: 0, ranForMs: undefined, durationMs: undefined, rerun: undefined });
      this.cancelled.add(node.name);
      if (!this.disposed) this.emit("nodeCancelled", { node: node.name, durationMs: performance.now() - started });
      return;
    }
    const results = maybeResults as CallResult[];
    const finish = (status: "ran" | "cached" | "failed") => this.finish(state, status, performance.now() - started);
    const failure = results.findIndex((r) => !r.ok);
    state.attempts = Math.max(0, ...results.map((r) => r.attempts));
    state.ranForMs = results.reduce((sum, r) => sum + r.ranForMs, 0);
    const cacheStates = new Set(results.map((r) => r.cache));
    state.cache = cacheStates.size === 1 ? [...cacheStates][0] : cacheStates.has("miss") ? "miss" : "hit";
    const only = results[0];
    if (node.mapIndex === undefined && only?.ok) state.key = only.key;
    state.why = node.mapIndex === undefined ? only?.why : mapWhy(results);
    if (failure >= 0) {
      const error = (results[failure] as Extract<CallResult, { ok: false }>).error;
      const element = `element ${failure} of ${results.length}: `;
      state.error = node.mapIndex === undefined ? error : { ...error, message: element + error.message, stack: error.stack && element + error.stack, element: failure };
      return finish("failed");
    }
    const succeeded = results as Extract<CallResult, { ok: true }>[];
    state.value = node.mapIndex === undefined ? succeeded[0].value : succeeded.map((r) => r.value);
    // A map's output is as old as its oldest element.
    state.computedAt = succeeded.length > 0 ? Math.min(...succeeded.map((r) => r.computedAt)) : Date.now();
    return finish(results.length > 0 && results.every((r) => r.cache === "hit" || r.cache === "edited" || r.cache === "pinned") ? "cached" : "ran");
  }

  /** One call: a subgraph run, or the function from the cache or on a node host, with its retries. */
  private async invoke(node: NodeModel, call: ElementCall, state: NodeState, skipCacheRead: boolean, enter: boolean, signal: AbortSignal): Promise<CallResult> {
    if (node.subgraph) return this.runSubgraph(node, node.subgraph, call, enter);
    if (signal.aborted) return cancelledCall(signal, 0, 0);
    const cached = this.cachedCall(node, call.args, call.index);
    // Stepped into with a debugger attached to the hosts: the function runs, to be stepped through.
    const pauseOnEntry = enter && this.options.pool.debuggerAttached;
    let whyRan: Promise<string | undefined> = Promise.resolve(pauseOnEntry && !skipCacheRead ? RAN_WITHOUT_CACHE.steppedInto : this.whyRanWithoutCache(node, cached, skipCacheRead));
    skipCacheRead ||= pauseOnEntry;
    if (cached && !skipCacheRead && this.options.cacheMode === "use") {
      const lookup = await cached.read();
      if (lookup.kind === "hit") return { ok: true, value: lookup.value, cache: lookup.entry.edited ? "edited" : "hit", key: cached.key, attempts: 0, ranForMs: lookup.entry.durationMs, computedAt: lookup.entry.createdAt, why: hitText(lookup.entry.createdAt, lookup.entry.edited) };
      if (lookup.kind === "unreadable") {
        this.emit("log", { node: node.name, level: "warn", text: `ignoring an unreadable cache entry ${cached.key} (corrupt, or from another version); the node runs again` });
      }
      // Found out while the node runs; a store that fails to answer leaves the why out, not the node.
      whyRan = cached.whyMissed(lookup.kind).catch(() => undefined);
    }
    const result = await this.runOnHost(node, call, state, cached, cached ? "miss" : "off", signal, pauseOnEntry);
    return { ...result, why: await whyRan };
  }

  /** Why a node runs that does not read the cache; undefined when it reads it. */
  private whyRanWithoutCache(node: NodeModel, cached: CachedCall | undefined, skipCacheRead: boolean): string | undefined {
    if (skipCacheRead) return RAN_WITHOUT_CACHE.rerun;
    if (node.options.cache?.kind === "off") return RAN_WITHOUT_CACHE.nodeOff;
    if (cached === undefined) return RAN_WITHOUT_CACHE.off;
    return this.options.cacheMode === "refresh" ? RAN_WITHOUT_CACHE.refresh : undefined;
  }

  /** Runs the function on a node host, with its retries; a success is written to the cache. */
  private async runOnHost(node: NodeModel, call: ElementCall, state: NodeState, cached: CachedCall | undefined, cache: CacheState, signal: AbortSignal, pauseOnEntry = false): Promise<CallResult> {
    let encodedArgs: string;
    try {
      encodedArgs = encodeValue(call.args);
    } catch (e) {
      return { ok: false, error: { kind: "input", message: `an argument of node '${node.name}': ${(e as Error).message}` }, cache, attempts: 0, ranForMs: 0 };
    }
    const attempts = node.options.retry + 1;
    const element = call.index === undefined ? "" : ` (element ${call.index})`;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return cancelledCall(signal, attempt - 1, 0);
      state.attempts = Math.max(state.attempts, attempt);
      const runStarted = performance.now();
      const { runId, outcome } = this.options.pool.run({
        bundlePath: (this.modules.get(node.modulePath) as BuiltModule).bundlePath,
        exportName: node.exportName,
        args: encodedArgs,
        context: { graph: this.graph.name, node: node.name, jobId: this.jobId, attempt, mode: "dev", ...(call.index === undefined ? {} : { index: call.index, count: call.count }) },
        timeoutMs: node.options.timeoutMs,
        // The first attempt only: a retry runs on as usual.
        ...(pauseOnEntry && attempt === 1 ? { pauseOnEntry } : {}),
        onLog: (level, text) => this.emit("log", { node: node.name, level, text }),
      });
      const abortRun = () => this.options.pool.abort(runId, reasonText(signal));
      signal.addEventListener("abort", abortRun, { once: true });
      const result = await outcome.finally(() => signal.removeEventListener("abort", abortRun));
      const ranForMs = performance.now() - runStarted;
      // Whatever the node answered once it was asked to stop, its run is cancelled: not cached, not retried.
      if (signal.aborted) return cancelledCall(signal, attempt, ranForMs);
      if (result.ok) {
        await cached?.write(result.value, ranForMs);
        return { ok: true, value: decodeValue(result.value), cache, key: cached?.key, attempts: attempt, ranForMs, computedAt: Date.now() };
      }
      const error = { ...result.error, kind: result.kind } satisfies NodeFailure;
      const delayMs = retryDelayAfter(node.options, attempt, "dev");
      if (result.kind === "cancelled" || delayMs === undefined || this.disposed) return { ok: false, error, cache, attempts: attempt, ranForMs };
      this.emit("log", { node: node.name, level: "warn", text: `attempt ${attempt} of ${attempts}${element} failed: ${result.error.message}; ${retryingIn(delayMs)}` });
      if (delayMs > 0) await abortableDelay(delayMs, signal);
    }
  }

  /**
   * A subgraph call: the subgraph's own job, its nodes cached as nodes of its own file, on
   * the same node hosts and cache. Its output is the object of its outputs by name.
   *
   * A call of the whole node (not an element of a map) can be stepped through: the stop
   * condition holds inside, `enter` stops before its first node, and while its job is
   * stopped, this job is stopped inside it (`entered`) and resuming drives that job.
   */
  private async runSubgraph(node: NodeModel, subgraph: SubgraphCallModel, call: ElementCall, enter: boolean): Promise<CallResult> {
    const started = performance.now();
    const given = Object.fromEntries(subgraph.inputs.flatMap((name, i) => (call.args[i] === undefined ? [] : [[name, call.args[i]]])));
    const site = `${this.options.site ?? ""}${this.graph.name}:${this.place(node, call.index)}/`;
    // A replay's record is of this graph's nodes: the subgraph's run here.
    const inner = new Orchestrator(subgraph.graph, this.modules, resolveJobInput(subgraph.graph, given), { ...this.options, stopOnError: false, jobId: this.jobId, site, recorded: undefined, outOfReach: undefined });
    inner.on("log", ({ node: innerNode, level, text }) => this.emit("log", { node: `${node.name}/${innerNode}`, level, text }));
    const finished = new Promise<{ failed: boolean }>((resolve) => inner.once("finished", resolve));
    if (call.index === undefined) {
      inner.setStopCondition(this.noStops ? undefined : this.stopCondition);
      inner.on("stopped", ({ reason }) => {
        this.entered = { node: node.name, job: inner, reason: reason === "entry" ? "step" : reason };
        this.wakeUp();
      });
    }
    if (enter && call.index === undefined) inner.stopOnEntry();
    else await inner.continue();
    await finished;
    const ranForMs = performance.now() - started;
    const failedNode = inner.graph.nodes.find((n) => inner.state(n.name).status === "failed");
    if (failedNode) {
      const error = inner.state(failedNode.name).error as NodeFailure;
      return { ok: false, error: { ...error, message: `node '${failedNode.name}' of subgraph '${subgraph.alias}' failed: ${error.message}` }, cache: "off", attempts: 1, ranForMs };
    }
    const allCached = inner.graph.nodes.every((n) => ["cached", "pinned", "skipped"].includes(inner.state(n.name).status));
    const ran = inner.graph.nodes.filter((n) => inner.state(n.name).status === "ran").map((n) => ({ node: n.name, why: inner.state(n.name).why }));
    return { ok: true, value: inner.outputs(), cache: allCached ? "hit" : "miss", attempts: 1, ranForMs, computedAt: Date.now(), why: subgraphText(subgraph.alias, ran) };
  }

  private finish(state: NodeState, status: FinishedStatus, durationMs: number): void {
    state.status = status;
    state.durationMs = durationMs;
    const { node, ...record } = state;
    this.history.push({ ...record, name: node.name, finishedAt: Date.now() });
    // Runs cancelled by dispose() end quietly: the session is over.
    if (!this.disposed) this.emit("nodeFinished", { node: node.name, status, durationMs });
  }

  /**
   * The node the run is stopped inside (a map node between its elements, a subgraph node
   * entered) has started with the values it uses: changing one would leave it half stale.
   */
  private assertNotUsedInside(name: string, what: string): void {
    const inside = this.elementRun?.state.node.name ?? this.entered?.node;
    if (inside === undefined) return;
    if (name === inside) throw new Error(`cannot ${what} '${name}' while stopped inside it: step out of it first`);
    const downstream = new Set(this.state(name).node.dependents);
    for (const dependent of downstream) {
      if (dependent === inside) throw new Error(`cannot ${what} '${name}' while stopped inside '${inside}', which uses it: step out of '${inside}' first`);
      for (const next of this.state(dependent).node.dependents) downstream.add(next);
    }
  }

  /** Makes every finished node downstream of `name` pending again: stale because of `name`. */
  private markStale(name: string): void {
    // In a replay, production's outputs downstream were made of production's values: they run here now.
    if (this.options.recorded) {
      const downstream = [...this.state(name).node.dependents];
      for (let next = downstream.shift(); next !== undefined; next = downstream.shift()) {
        if (this.runLocally.has(next)) continue;
        this.runLocally.add(next);
        downstream.push(...this.state(next).node.dependents);
      }
    }
    const queue = [...this.state(name).node.dependents];
    for (let dependent = queue.shift(); dependent !== undefined; dependent = queue.shift()) {
      const state = this.state(dependent);
      if (state.status === "pending") continue;
      Object.assign(state, { status: "pending", value: undefined, cache: undefined, why: undefined, error: undefined, staleBecause: name });
      queue.push(...state.node.dependents);
    }
  }

  /** The node's call (of element `index` for a map node's) as the cache sees it; undefined when the cache is off for it. */
  private cachedCall(node: NodeModel, args: readonly unknown[], index?: number): CachedCall | undefined {
    const cache = this.options.cache;
    if (cache === undefined || this.options.cacheMode === "off" || node.options.cache?.kind === "off") return undefined;
    const built = this.modules.get(node.modulePath);
    const identity = { graph: this.graph.name, node: node.name, codeHash: `${built?.codeHash}#${node.exportName}`, options: node.options };
    const explained = built && {
      place: `${this.options.site ?? ""}${this.place(node, index)}`,
      bundleHash: built.codeHash,
      fileHashes: built.fileHashes,
      exportName: node.exportName,
      // As the Inputs scope names them.
      parameterNames: node.args.map((arg, i) => node.function.parameters[i]?.name ?? arg.text),
    };
    return new CachedCall(cache, identity, args, cacheTtlMs(node.options.cache, this.options.defaultTtlMs), explained);
  }

  /** A node's place in this job: its name, with the element for a map node's call. */
  private place(node: NodeModel, index: number | undefined): string {
    return index === undefined ? node.name : `${node.name}[${index}]`;
  }

  private order(name: string): number {
    return this.graph.nodes.indexOf(this.state(name).node);
  }

  private assertStopped(what: string): void {
    if (this.driving) throw new Error(`cannot ${what} while the graph is running`);
    if (this.disposed) throw new Error(`cannot ${what}: the session has ended`);
  }
}

/** A call the signal cancelled (before it started, between attempts, or while it ran). */
function cancelledCall(signal: AbortSignal, attempts: number, ranForMs: number): CallResult {
  return { ok: false, error: { kind: "cancelled", message: reasonText(signal) }, cache: "off", attempts, ranForMs };
}

/** The message of an abort signal's reason. */
function reasonText(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

/** Waits `ms`, or less when the signal aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A map node's why: the whys of the elements that ran (those read from the cache left
 * out); when every element came from the cache, the run of the oldest.
 */
function mapWhy(results: readonly CallResult[]): string | undefined {
  const fromCache = (r: CallResult) => r.cache === "hit" || r.cache === "edited";
  const oldest = results
    .filter((r): r is Extract<CallResult, { ok: true }> => r.ok && fromCache(r))
    .reduce<Extract<CallResult, { ok: true }> | undefined>((o, r) => (o === undefined || r.computedAt < o.computedAt ? r : o), undefined);
  // An element without a why: its store did not answer when asked.
  return elementsText(results.map((r) => (fromCache(r) ? undefined : (r.why ?? "not in the cache"))), oldest?.why);
}
