// A loop worker (docs/production.md, "The queues"): takes jobs of one loop into its own
// processing list, runs the loop's nodes for each (up to `concurrency` at once), and hands
// each job on with one atomic commit. Also, on timers: returns the jobs of workers whose
// lease expired (the reaper), moves due retries back to the waiting list, and returns jobs
// of its own list that it is not running (left there by a reply lost with a connection).
// A worker serves every partition of a partitioned graph (partition-taker.ts): each job is
// handled in the partition it was taken from, each timer runs in every partition.
import { setMaxListeners } from "node:events";
import { retryDelayAfter, retryingIn, type NodeCallOutcome } from "../runtime/node-call";
import type { NodeCache } from "../store/node-cache";
import { whenCommitted, type CommitRefill, type CommitSettled, type QueueStore } from "../store/queue-store";
import { withTimeout } from "../store/redis-connection";
import { isOutOfMemoryError } from "../store/redis-memory";
import { parseCondition } from "../graph/parser";
import { CAPTURE_STREAM_CAP, CaptureTable, captureRecordText, parseCaptureDefinition, type CapturedCall, type LiveCapture } from "./capture-point";
import { ElementSlots } from "./element-slots";
import { PartitionTaker, type TakenJob } from "./partition-taker";
import { BadJobError, parseJobMessage, type JobMessage } from "./job-message";
import type { LeaseKeeper } from "./lease-keeper";
import { loadVersion, type LoadedVersion } from "./loaded-version";
import { runElement, runLoop, type LoopOutcome, type LoopRunOptions } from "./loop-runner";
import { decodeValue } from "../runtime/values";
import { deadLetter, heldJob, loopOutputs, type JobFailure } from "./dead-record";
import { finishedJob, RESULT_TTL_SECONDS, spreading } from "./hand-on";
import { partitionsOf, type ProductionGraph, type ProductionLoop } from "./production-graph";
import { checkMaxmemoryPolicy, EvictingRedisError } from "./redis-policy";
import { verifyPointer, VersionRefusedError, type ActivePointer } from "./signed-version";

export interface LoopWorkerOptions {
  store: QueueStore;
  loop: string;
  workerId: string;
  /** Jobs in flight at once; default: the loop's `concurrency`. */
  concurrency?: number;
  deployKey: string;
  /** How long SIGTERM waits for jobs in flight before returning them. */
  graceMs: number;
  cache?: NodeCache;
  /** Starts the thread that renews this worker's lease in each of the first `partitions` partitions. */
  startLeaseKeeper(partitions: number): Promise<LeaseKeeper>;
  log(line: string): void;
}

/** A reason the worker cannot start, for the user (no version, a refused version, no such loop). */
export class WorkerStartError extends Error {}

const REAP_INTERVAL_MS = 1000;
const PROMOTE_INTERVAL_MS = 200;
/**
 * How often a worker of a partitioned graph moves the due retries of each partition back
 * when it scheduled none there itself: the retries of a worker that died. Its own retries it
 * moves back at the first promote tick after they are due. (With one partition, every tick.)
 */
const PARTITION_PROMOTE_INTERVAL_MS = 1000;
const SWEEP_INTERVAL_MS = 5000;
const RELEASE_TIMEOUT_MS = 5000;
/**
 * How long a worker that left stays registered, marked as left: longer than Redis can take
 * to see the blocking connection closed, so a take it runs meanwhile is returned by the reaper.
 */
const LEFT_LEASE_MS = 10_000;
/** A job whose worker dies this many times while running it (a node that crashes the process) is dead at the next death. */
const MAX_WORKER_DEATHS = 3;
/** A map of this many elements or more is spread over the loop's workers; a smaller one runs in the job's worker. */
export const SPREAD_ELEMENTS = 32;

export class LoopWorker {
  private readonly store: QueueStore;
  /** The versions loaded (or loading, or refused): the active one and those of jobs in flight. */
  private readonly versions = new Map<number, Promise<LoadedVersion>>();
  /** The versions of `versions` loaded: a job of one needs no await (each costs a turn of the microtask queue). */
  private readonly loadedVersions = new Map<number, LoadedVersion>();
  /** Jobs in flight per version. */
  private readonly versionUse = new Map<number, number>();
  /** The newest verified active-version pointer this worker has seen. */
  private active: ActivePointer | undefined;
  /** Jobs being run, by their text as it is in the processing list. */
  private readonly inFlight = new Set<string>();
  private concurrency = 1;
  /** Shared by the `map` elements of every job: at most `concurrency` run at once. */
  private elementSlots = new ElementSlots(1);
  private stopping = false;
  /** Set once stop() has returned this worker's jobs: what is still running is no longer ours. */
  private released = false;
  /** Aborts the nodes still running when stop() gives their jobs back. */
  private readonly givenUp = new AbortController();
  /** Takes jobs from each partition the worker serves. */
  private readonly taker: PartitionTaker;
  /** The take in progress, until the run loop has its jobs: a stop that interrupts it runs them. */
  private pendingTake: Promise<TakenJob[]> | undefined;
  /** The free slots the takes in progress (the run loop's, and commits') may fill: a job a wait brings meanwhile does not take them. */
  private reserved = 0;
  /** Per partition, how its commits take this worker's next jobs. */
  private readonly refills = new Map<QueueStore, CommitRefill>();
  /** Per partition, when its due retries are next moved back whether or not this worker scheduled any (promoteDue). */
  private readonly promoteAt = new Map<QueueStore, number>();
  /** Per partition, when the retries this worker put in its delayed set fall due. */
  private readonly retriesDue = new Map<QueueStore, number[]>();
  /** The growth to more partitions in progress (servePartitions), one at a time. */
  private growing: Promise<void> = Promise.resolve();
  private slotFreed: (() => void) | undefined;
  private slotLookQueued = false;
  private requestStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.requestStop = resolve));
  private allDone: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private lease: LeaseKeeper | undefined;
  /** Ends the subscription to control messages. */
  private unsubscribe: (() => void) | undefined;
  private outage = false;
  private outOfMemory = false;
  private stopped: Promise<{ returned: number }> | undefined;
  /** Why the worker stopped on its own (its lease keeper could not be restarted); undefined after a requested stop. */
  failure: string | undefined;
  /** Per partition, the jobs of our list not in flight at the previous sweep: returned if still so at the next. */
  private strays = new Map<QueueStore, Set<string>>();
  readonly finished = { done: 0, retried: 0, dead: 0, lost: 0, spread: 0, elements: 0 };
  /** The capture points set on the graph (docs/production.md, "Capture points"): the loop runner records the calls of their nodes. */
  private readonly captures = new CaptureTable((point, node, call) => this.recordCall(point, node, call));
  private jobRunOptions: LoopRunOptions | undefined;
  private elementRunOptions: LoopRunOptions | undefined;
  /** Set while a record could not be written (said once until one is). */
  private captureFailing = false;

  constructor(private readonly options: LoopWorkerOptions) {
    this.store = options.store;
    this.taker = new PartitionTaker(options.loop, options.workerId, (job) => this.lateJob(job));
    // Every running node that reads its signal listens here: as many as the concurrency.
    setMaxListeners(0, this.givenUp.signal);
  }

  /** Loads the active version and checks the loop; throws WorkerStartError. Resolves to the version, the concurrency and the partitions served. */
  async start(): Promise<{ version: number; concurrency: number; partitions: number }> {
    try {
      const warning = await checkMaxmemoryPolicy(this.store);
      if (warning !== undefined) this.options.log(`warning: ${warning}`);
    } catch (e) {
      if (e instanceof EvictingRedisError) throw new WorkerStartError(e.message);
      throw e;
    }
    const pointer = await this.store.activePointer();
    if (pointer === undefined) throw new WorkerStartError(`graph '${this.store.graph}' has no deployed version (run 'stepgraph deploy FILE' first)`);
    let version: LoadedVersion;
    let active: number;
    try {
      this.active = verifyPointer(pointer, this.store.graph, this.options.deployKey);
      active = this.active.version;
      version = await this.version(active);
    } catch (e) {
      if (e instanceof VersionRefusedError) throw new WorkerStartError(e.message);
      throw e;
    }
    const loop = version.loops.get(this.options.loop);
    if (loop === undefined) throw new WorkerStartError(`graph '${this.store.graph}' (version ${active}) has no loop '${this.options.loop}' (its loops: ${[...version.loops.keys()].join(", ")})`);
    this.concurrency = this.options.concurrency ?? loop.concurrency;
    this.elementSlots = new ElementSlots(this.concurrency);
    // Every partition the graph's queues have spanned, not only the active version's: a job keeps its partition.
    const partitions = Math.max(await this.store.partitionCount(), partitionsOf(version.graph));
    this.watchLease(await this.options.startLeaseKeeper(partitions), partitions);
    this.taker.serve(this.store.partitionStoresUpTo(partitions));
    // Said once per outage; commands wait meanwhile (the store reconnects and resends them).
    this.store.onConnectionChange((change) => {
      if (change === "back") this.connectionBack();
      else if (!this.stopping) this.redisFailed(new Error("connection closed"));
    });
    await this.subscribe();
    // After subscribing: a capture point set from now on comes as a message, one set before is listed.
    for (const [id, definition] of Object.entries(await this.store.captureDefinitions())) await this.takeCapture(id, definition);
    this.every(REAP_INTERVAL_MS, () => this.inEveryPartition((store) => this.reap(store)));
    this.every(PROMOTE_INTERVAL_MS, () => this.inEveryPartition((store) => this.promoteDue(store)));
    this.every(SWEEP_INTERVAL_MS, async () => {
      await this.inEveryPartition((store) => this.sweepStrays(store));
      // A deploy that spread the graph over more partitions, should its control message have been missed.
      await this.servePartitions(await this.store.partitionCount());
    });
    return { version: active, concurrency: this.concurrency, partitions };
  }

  /** Runs `task` in every partition the worker serves, at once. */
  private async inEveryPartition(task: (store: QueueStore) => Promise<unknown>): Promise<void> {
    await Promise.all(this.taker.partitionStores.map(task));
  }

  /** Moves a partition's due retries back to its waiting list, when it is time to look (see PARTITION_PROMOTE_INTERVAL_MS). */
  private async promoteDue(store: QueueStore): Promise<void> {
    const now = Date.now();
    const due = this.retriesDue.get(store) ?? [];
    if (now < (this.promoteAt.get(store) ?? 0) && !due.some((at) => at <= now)) return;
    this.retriesDue.set(store, due.filter((at) => at > now));
    this.promoteAt.set(store, this.taker.partitionStores.length > 1 ? now + PARTITION_PROMOTE_INTERVAL_MS : 0);
    await store.promoteDue(this.options.loop);
  }

  /** Returns the jobs of the loop's workers whose lease expired, in one partition. */
  private async reap(store: QueueStore): Promise<void> {
    const { returned, doomed } = await store.reap(this.options.loop, this.options.workerId, MAX_WORKER_DEATHS);
    if (returned > 0) this.options.log(`returned ${returned} job${returned === 1 ? "" : "s"} of a worker whose lease expired`);
    const buried = doomed.length;
    if (buried > 0) this.options.log(`moved ${buried} job${buried === 1 ? "" : "s"} to the dead-letter list: ${buried === 1 ? "its" : "their"} worker died running ${buried === 1 ? "it" : "them"} more than ${MAX_WORKER_DEATHS} times`);
    // The reaper moved them into our list: ours to bury, like the jobs we run.
    for (const { text, deaths } of doomed) if (!this.inFlight.has(text)) this.startJob({ store, text }, () => this.buryDiedOften(store, text, deaths));
  }

  /**
   * Serves the first `count` partitions from now on, if that is more than it serves: its
   * lease is held in each of them first (a new lease keeper thread), then it takes from them.
   */
  private servePartitions(count: number): Promise<void> {
    // A failure (no lease keeper thread for them) is tried again by the next sweep.
    this.growing = this.growing.then(() => this.growTo(count)).catch((e: unknown) => this.options.log(`could not serve ${count} partitions yet (${e instanceof Error ? e.message : String(e)})`));
    return this.growing;
  }

  private async growTo(count: number): Promise<void> {
    const serving = this.taker.partitionStores.length;
    // Before start() serves the first ones, it is start()'s to serve them all.
    if (serving === 0 || count <= serving || this.stopping) return;
    const previous = this.lease;
    const keeper = await this.options.startLeaseKeeper(count);
    if (this.stopping) return keeper.stop();
    this.watchLease(keeper, count);
    await previous?.stop();
    this.taker.serve(this.store.partitionStoresUpTo(count));
    this.options.log(`serving ${count} partitions (was ${serving})`);
  }

  /** Takes and runs jobs until stop(). */
  async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.inFlight.size - this.reserved;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let jobs: TakenJob[];
      try {
        // A take waiting for Redis to come back must not hold up a stop: stop() runs what it
        // took meanwhile, or release() (queued behind it on the same connection) returns it.
        const taking = this.taker.take(free);
        this.pendingTake = taking;
        this.reserved += free;
        jobs = await Promise.race([taking, this.stopRequested.then(() => [])]).finally(() => (this.reserved -= free));
        if (jobs.length > 0 || !this.stopping) this.pendingTake = undefined;
        if (jobs.length === 0 && !this.stopping) {
          jobs = await Promise.race([this.taker.waitForJob(), this.stopRequested.then(() => [])]);
        }
        if (!this.stopping) {
          this.connectionBack();
          this.memoryBack();
        }
      } catch (e) {
        if (this.stopping) break;
        this.redisFailed(e);
        await sleep(250);
        continue;
      }
      for (const job of jobs) this.startJob(job);
    }
  }

  /**
   * A job that a wait on some partition brought after the run loop stopped waiting: run if a
   * slot is free, else back to the front of its queue. Once stopping, release() returns it.
   */
  private lateJob(job: TakenJob): void {
    if (this.stopping) return;
    if (this.inFlight.size + this.reserved < this.concurrency) return this.startJob(job);
    void this.persist(() => job.store.returnJob(this.options.loop, this.options.workerId, job.text));
  }

  /**
   * Graceful stop (SIGTERM): take no more jobs, let those in flight finish within the
   * grace period, return the rest to the waiting list, leave.
   */
  stop(): Promise<{ returned: number }> {
    this.stopped ??= this.leave();
    return this.stopped;
  }

  private async leave(): Promise<{ returned: number }> {
    this.stopping = true;
    this.requestStop();
    this.slotFreed?.();
    // Interrupts the waiting BLMOVEs (of every partition); a job one moved meanwhile is returned by release() below.
    this.taker.stop();
    this.store.closeBlocking();
    // Jobs a take moved into our list as the stop came are ours: they run within the grace period.
    const takenLate = await withTimeout(this.pendingTake ?? Promise.resolve([]), Math.min(this.options.graceMs, RELEASE_TIMEOUT_MS)).catch((): TakenJob[] => []);
    for (const job of takenLate) if (!this.inFlight.has(job.text)) this.startJob(job);
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.allDone = resolve;
        timer = setTimeout(resolve, this.options.graceMs);
      });
      clearTimeout(timer);
    }
    for (const timer of this.timers) clearInterval(timer);
    // With Redis away, the jobs stay in this worker's list: the reaper returns them once the
    // lease (no longer renewed) expires. Stopping does not wait for Redis to come back.
    const releasing = Promise.all(this.taker.partitionStores.map((store) => store.release(this.options.loop, this.options.workerId, LEFT_LEASE_MS)));
    const returned = await withTimeout(releasing, RELEASE_TIMEOUT_MS).then(sumOf, () => {
      this.options.log(`could not return the jobs in flight (Redis does not answer): they run again when this worker's lease expires`);
      return 0;
    });
    this.released = true;
    if (this.inFlight.size > 0) this.givenUp.abort(new Error("the worker stopped; the job went back to the queue"));
    await this.lease?.stop();
    this.unsubscribe?.();
    return { returned };
  }

  /** Runs `work` on a job of our processing list (by default: the job itself), counted in flight meanwhile. */
  private startJob({ store, text }: TakenJob, work?: () => Promise<void>): void {
    this.inFlight.add(text);
    const finished = () => this.jobFinished(text);
    if (work === undefined) this.process(store, text, finished);
    else work().then(finished, (e: unknown) => this.internalError(e, finished));
  }

  private jobFinished(text: string): void {
    this.inFlight.delete(text);
    // Several jobs that finish together free their slots before the next take (one look for them all).
    if (!this.slotLookQueued) {
      this.slotLookQueued = true;
      setImmediate(() => {
        this.slotLookQueued = false;
        this.slotFreed?.();
      });
    }
    if (this.inFlight.size === 0) this.allDone?.();
  }

  /** A bug of ours while handling a job: said, and the job counts as finished (its text stays in our list; the sweep returns it). */
  private internalError(e: unknown, finished: () => void): void {
    this.options.log(`internal error on a job: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    finished();
  }

  /**
   * Parses, runs and hands on a job of our processing list, then calls `finished`. A job of a
   * loaded version whose loop has its outcome at once and went through (nearly every job) goes
   * from its parse to its commit, and on to `finished` when the commit is in, without a
   * promise: each would cost a turn of the microtask queue and the stray-error hooks
   * (stray-errors.ts) that follow every promise of the worker.
   */
  private process(store: QueueStore, text: string, finished: () => void): void {
    let parsed: JobMessage | Promise<undefined>;
    try {
      parsed = this.parseOrDiscard(store, text);
    } catch (e) {
      return this.internalError(e, finished);
    }
    if (parsed instanceof Promise) {
      parsed.then(finished, (e: unknown) => this.internalError(e, finished));
      return;
    }
    const job = parsed;
    this.versionUse.set(job.v, (this.versionUse.get(job.v) ?? 0) + 1);
    const done = () => {
      const use = (this.versionUse.get(job.v) ?? 1) - 1;
      if (use > 0) this.versionUse.set(job.v, use);
      else {
        this.versionUse.delete(job.v);
        this.unloadIfUnused(job.v);
      }
      finished();
    };
    const version = this.loadedVersions.get(job.v);
    const loop = version?.loops.get(this.options.loop);
    let ran: LoopOutcome | Promise<LoopOutcome> | undefined;
    if (version !== undefined && loop !== undefined && job.e === undefined) {
      try {
        ran = runLoop(version, loop, job, this.runOptions("jobs"));
      } catch (e) {
        return this.internalError(e, done);
      }
      if (!(ran instanceof Promise) && ran.ok === true && !this.released) return this.commitJob(store, text, job, version.graph, loop, ran, done);
    }
    this.runJob(store, text, job, ran).then(done, (e: unknown) => this.internalError(e, done));
  }

  /** Runs a job taken from `store`'s partition (`ran`: its loop's run, when process() started it), and hands it on, retries or buries it there. */
  private async runJob(store: QueueStore, text: string, job: JobMessage, ran?: LoopOutcome | Promise<LoopOutcome>): Promise<void> {
    const { loop: loopName, workerId } = this.options;
    let version: LoadedVersion;
    let loop: ProductionLoop | undefined;
    try {
      version = this.loadedVersions.get(job.v) ?? (await this.version(job.v));
      loop = version.loops.get(loopName);
      if (loop === undefined) throw new VersionRefusedError(`version ${job.v} has no loop '${loopName}'`);
    } catch (e) {
      if (!(e instanceof VersionRefusedError)) throw e;
      this.options.log(`job ${job.id}: ${e.message}`);
      await this.bury(store, text, job, { node: "", attempts: 0, error: e.message }, {});
      this.finished.dead++;
      return;
    }
    if (job.e !== undefined) return this.runElementJob(store, version, loop, text, { ...job, e: job.e });
    const outcome = await (ran ?? runLoop(version, loop, job, this.runOptions("jobs")));
    // Given back by stop(): the job is in the queue again, whatever became of this run.
    if (this.released) return;
    if (outcome.ok === "spread") {
      const spread = spreading(job, outcome.node.name, outcome.count, outcome.elements, outcome.values);
      const gathered = { resume: spread.resume, entered: spread.entered, state: spread.state, node: outcome.node.name };
      if (await this.persist(() => store.spread(loopName, workerId, { text, id: job.id, token: spread.token }, gathered, spread.messages))) this.finished.spread++;
      return;
    }
    if (outcome.ok) {
      const committing = outcome;
      return new Promise((resolve) => this.commitJob(store, text, job, version.graph, loop, committing, resolve));
    }
    const { node, attempt } = outcome;
    const delayMs = outcome.retryable ? retryDelayAfter(node.options, attempt, "prod") : undefined;
    if (delayMs !== undefined) {
      this.options.log(`job ${job.id} ${node.name}: attempt ${attempt} of ${node.options.retry + 1} failed: ${outcome.message}; ${retryingIn(delayMs)}`);
      const retried: JobMessage = { ...job, q: Date.now(), values: outcome.values, failed: { ...job.failed, ...outcome.failedAttempts } };
      if (await this.retry(store, text, retried, delayMs)) this.finished.retried++;
      return;
    }
    this.options.log(`job ${job.id} ${node.name}: failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${outcome.message}; moved to the dead-letter list`);
    const failure: JobFailure = { node: node.name, ...(outcome.element === undefined ? {} : { element: outcome.element }), attempts: attempt, error: outcome.message, stack: outcome.stack };
    if (await this.bury(store, text, job, failure, outcome.values)) this.finished.dead++;
  }

  /**
   * Hands on a job whose loop went through (see the commit script) and takes the worker's
   * next jobs with it; `done` once the commit is in (or the job given back). Persists like
   * persist() through a lost connection, without a promise while the commit goes through.
   */
  private commitJob(store: QueueStore, text: string, job: JobMessage, graph: ProductionGraph, loop: ProductionLoop, outcome: Extract<LoopOutcome, { ok: true }>, done: () => void): void {
    const finished = finishedJob(graph, loop, text, job, outcome.values, outcome.skipped);
    const counted = (committed: boolean) => {
      if (committed) this.finished.done++;
      else this.finished.lost++;
      done();
    };
    const commit = (settled: CommitSettled) => store.commit(this.options.loop, this.options.workerId, finished, RESULT_TTL_SECONDS, settled, this.refillOf(store));
    if (this.released) return counted(false);
    commit((error, committed) => {
      if (error === undefined) {
        this.connectionBack();
        return counted(committed);
      }
      // As persist() after a failed first attempt: again after a backoff, until it goes through or the jobs were given back.
      this.persistAfter(error, () => whenCommitted(commit)).then(counted, (e: unknown) => this.internalError(e, done));
    });
  }

  /**
   * How a commit in `store`'s partition takes this worker's next jobs: as many as its slots
   * hold once the committed jobs leave them (one script call where a commit and a take were
   * two). The jobs it took run as soon as its reply is in.
   */
  private refillOf(store: QueueStore): CommitRefill {
    let refill = this.refills.get(store);
    if (refill === undefined) {
      refill = {
        want: (committing) => {
          if (this.stopping || this.outOfMemory || !this.taker.mayRefillFrom(store)) return 0;
          const wanted = Math.max(0, this.concurrency - this.inFlight.size - this.reserved + committing);
          this.reserved += wanted;
          return wanted;
        },
        took: (jobs, wanted, refused) => {
          this.reserved -= wanted;
          // Out of memory the commit went through but its take did not: said once, as a refused take.
          if (refused !== undefined) this.redisFailed(refused);
          else if (wanted > 0) {
            this.memoryBack();
            this.taker.tookWithCommit(store, jobs.length < wanted);
          }
          // Once stopping, release() returns them: it runs after this commit, on the same connection.
          if (!this.stopping) for (const text of jobs) this.startJob({ store, text });
        },
      };
      this.refills.set(store, refill);
    }
    return refill;
  }

  /** Puts a job back for another attempt after `delayMs` (`retried`: with what it computed so far). */
  private async retry(store: QueueStore, text: string, retried: JobMessage, delayMs: number): Promise<boolean> {
    const stored = await this.persist(() => store.retry(this.options.loop, this.options.workerId, text, JSON.stringify(retried), delayMs));
    // Its partition is looked at once the retry is due (Redis's clock and ours agree to well within a tick).
    if (stored && delayMs > 0) this.retriesDue.set(store, [...(this.retriesDue.get(store) ?? []), Date.now() + delayMs]);
    return stored;
  }

  /** Moves a job that died of `failure` holding `values` to the dead-letter list, with the outputs the loop computed for it. */
  private bury(store: QueueStore, text: string, job: JobMessage, failure: JobFailure, values: Record<string, string>): Promise<boolean> {
    const letter = deadLetter(this.options.loop, job, failure, { ...heldJob(job, values), outputs: loopOutputs(job, values) });
    return this.persist(() => store.bury(this.options.loop, this.options.workerId, { text, id: job.id, version: job.v, batch: job.b }, letter.record, letter.error, RESULT_TTL_SECONDS));
  }

  /** The job `text` holds, at once; or, when it is not a job at all, undefined once it is discarded. */
  private parseOrDiscard(store: QueueStore, text: string): JobMessage | Promise<undefined> {
    try {
      return parseJobMessage(text);
    } catch (e) {
      if (!(e instanceof BadJobError)) throw e;
      this.options.log(`dropped a job that is not one: ${e.message}`);
      return this.persist(() => store.discard(this.options.loop, this.options.workerId, text).then(() => true)).then(() => undefined);
    }
  }

  /** A job whose workers died `deaths` times running it (a node that crashes its process): dead, without running it again. */
  private async buryDiedOften(store: QueueStore, text: string, deaths: number): Promise<void> {
    const job = await this.parseOrDiscard(store, text);
    if (job === undefined) return;
    const error = `its worker died (or lost its lease) while running it ${deaths} times`;
    const buried =
      job.e === undefined
        ? await this.bury(store, text, job, { node: "", attempts: deaths, error }, {})
        : await this.buryElement(store, text, { ...job, e: job.e }, { node: job.e.n, element: job.e.i, attempts: deaths, error: `element ${job.e.i} of ${job.e.c}: ${error}` });
    if (buried) this.finished.dead++;
  }

  /** How the loop runner runs a job's nodes, or (`elements`) a spread map's element, which is not spread again: the same for every job, made at the first (after start()). */
  private runOptions(what: "jobs" | "elements"): LoopRunOptions {
    this.elementRunOptions ??= { cache: this.options.cache, signal: this.givenUp.signal, elementSlots: this.elementSlots, captures: this.captures, log: (jobId, node, line) => this.options.log(`job ${jobId} ${node}: ${line}`) };
    if (what === "elements") return this.elementRunOptions;
    this.jobRunOptions ??= { ...this.elementRunOptions, spreadElements: SPREAD_ELEMENTS };
    return this.jobRunOptions;
  }

  /** One element of a spread map: its result goes to the job's gather hash; a failure is retried as the element alone, or buries the job. */
  private async runElementJob(store: QueueStore, version: LoadedVersion, loop: ProductionLoop, text: string, job: JobMessage & { e: NonNullable<JobMessage["e"]> }): Promise<void> {
    const { workerId } = this.options;
    const { n: name, i: index, c: count } = job.e;
    const attempt = (job.e.k ?? 0) + 1;
    const entry = version.nodes.get(name);
    let args: unknown;
    try {
      args = decodeValue(job.e.a);
    } catch {
      args = undefined;
    }
    const outcome: NodeCallOutcome =
      entry?.fn === undefined || !Array.isArray(args)
        ? { ok: false, kind: "error", error: { message: entry?.fn === undefined ? `version ${job.v} has no mapped node '${name}'` : `the arguments of element ${index} of job ${job.id} cannot be decoded: the job is damaged` } }
        : await runElement(version, entry.node, entry.fn, args, job, { index, count, attempt }, this.runOptions("elements"));
    if (this.released) return;
    if (outcome.ok) {
      const element = { text, jobId: job.id, token: job.e.g, index: job.e.i };
      if (await this.persist(() => store.gather(loop.name, workerId, element, outcome.encoded))) this.finished.elements++;
      return;
    }
    const retryable = entry?.fn !== undefined && Array.isArray(args);
    const delayMs = retryable && entry ? retryDelayAfter(entry.node.options, attempt, "prod") : undefined;
    if (delayMs !== undefined && entry) {
      this.options.log(`job ${job.id} ${name}: attempt ${attempt} of ${entry.node.options.retry + 1} of element ${index} failed: ${outcome.error.message}; ${retryingIn(delayMs)}`);
      const retried: JobMessage = { e: { ...job.e, k: attempt }, id: job.id, v: job.v, ...(job.b === undefined ? {} : { b: job.b }), t: job.t, q: Date.now(), values: {} };
      if (await this.retry(store, text, retried, delayMs)) this.finished.retried++;
      return;
    }
    const error = `element ${index} of ${count}: ${outcome.error.message}`;
    this.options.log(`job ${job.id} ${name}: element ${index} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${outcome.error.message}; moved the job to the dead-letter list`);
    const stack = outcome.error.stack && `element ${index} of ${count}: ${outcome.error.stack}`;
    if (await this.buryElement(store, text, job, { node: name, element: index, attempts: attempt, error, ...(stack === undefined ? {} : { stack }) })) this.finished.dead++;
  }

  /**
   * Moves the job of an element that failed for good to the dead-letter list, with what its
   * gather hash holds: the job as it entered the loop, and what the loop computed for it
   * before the spreading (the job to resume holds both).
   */
  private buryElement(store: QueueStore, text: string, job: JobMessage & { e: NonNullable<JobMessage["e"]> }, failure: JobFailure): Promise<boolean> {
    const { loop, workerId } = this.options;
    const element = { text, jobId: job.id, token: job.e.g, version: job.v, batch: job.b };
    return this.persist(async () => {
      // Gone: the job went on or died already, and the element only leaves our list.
      const gathered = await store.gatheredJob(loop, job.id, job.e.g);
      const letter = gathered === undefined ? { record: "", error: "" } : deadLetter(loop, job, failure, { state: JSON.parse(gathered.state) as Record<string, unknown>, entered: gathered.entered, outputs: gatheredOutputs(gathered) });
      return store.buryElement(loop, workerId, element, letter.record, letter.error, RESULT_TTL_SECONDS);
    });
  }

  /**
   * Keeps the lease keeper thread running: one that ends on its own (a crash) is started
   * again; if that fails, the worker stops (its jobs go back to the queue).
   */
  private watchLease(keeper: LeaseKeeper, partitions: number): void {
    this.lease = keeper;
    void keeper.lost.then(async (reason) => {
      // A keeper replaced by one for more partitions (servePartitions) is no longer watched.
      if (this.stopping || this.lease !== keeper) return;
      try {
        const restarted = await this.options.startLeaseKeeper(partitions);
        if (this.stopping) return await restarted.stop();
        this.watchLease(restarted, partitions);
        this.options.log(`the lease keeper thread stopped (${reason}); started it again`);
      } catch (e) {
        if (this.stopping) return;
        this.failure = `the lease keeper thread stopped (${reason}) and could not be started again (${e instanceof Error ? e.message : String(e)})`;
        this.options.log(`${this.failure}; stopping`);
        await this.stop();
      }
    });
  }

  /** The loaded version, loading (and verifying) it once. A refusal is remembered too. */
  private version(version: number): Promise<LoadedVersion> {
    let loading = this.versions.get(version);
    if (loading === undefined) {
      loading = loadVersion(this.store, version, this.options.deployKey);
      this.versions.set(version, loading);
      // A version spread over more partitions than the worker serves (a deploy that raised the count): serve them.
      loading.then(
        (loaded) => {
          if (this.versions.get(version) === loading) this.loadedVersions.set(version, loaded);
          return this.servePartitions(partitionsOf(loaded.graph));
        },
        () => undefined,
      );
      // A read that failed for want of a connection is tried again next time.
      loading.catch((e: unknown) => {
        if (!(e instanceof VersionRefusedError)) this.versions.delete(version);
      });
    }
    return loading;
  }

  /** Forgets a version that is neither active nor used by a job in flight (its code and graph go with it). */
  private unloadIfUnused(version: number): void {
    if (version === this.active?.version || this.versionUse.has(version)) return;
    const loading = this.versions.get(version);
    if (loading === undefined) return;
    this.versions.delete(version);
    this.loadedVersions.delete(version);
    loading.then(
      () => this.options.log(`unloaded version ${version} (neither active nor used by a job in flight)`),
      () => undefined,
    );
  }

  /**
   * Takes a newer active-version pointer that verifies; refuses (with a line) one that does
   * not, or one older than the pointer held (an earlier deploy's, written back into Redis).
   * Undefined: nothing new (the pointer held, sent again).
   */
  private acceptPointer(text: string): ActivePointer | undefined {
    const pointer = verifyPointer(text, this.store.graph, this.options.deployKey);
    const held = this.active;
    if (held !== undefined && pointer.sequence < held.sequence) {
      throw new VersionRefusedError(`the active-version pointer for version ${pointer.version} (sequence ${pointer.sequence}) is older than the one this worker holds (sequence ${held.sequence}): refused`);
    }
    if (held !== undefined && pointer.sequence === held.sequence) return undefined;
    this.active = pointer;
    if (held !== undefined) this.unloadIfUnused(held.version);
    return pointer;
  }

  /** Listens for deploys (loads a new active version ahead of its first job) and for capture points set and withdrawn. */
  private async subscribe(): Promise<void> {
    this.unsubscribe = await this.store.onControl((text) => {
      let message: { type?: string; pointer?: unknown; id?: unknown; definition?: unknown };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        return;
      }
      if (message.type === "capture" && typeof message.id === "string" && typeof message.definition === "string") {
        void this.takeCapture(message.id, message.definition);
        return;
      }
      if (message.type === "withdraw-capture" && typeof message.id === "string") {
        if (this.captures.remove(message.id)) this.options.log(`capture point ${message.id} withdrawn`);
        return;
      }
      if (message.type !== "activate" || typeof message.pointer !== "string") return;
      let pointer: ActivePointer | undefined;
      try {
        pointer = this.acceptPointer(message.pointer);
      } catch (e) {
        this.options.log(e instanceof Error ? e.message : String(e));
        return;
      }
      if (pointer === undefined) return;
      const version = pointer.version;
      this.version(version).then(
        (loaded) => this.options.log(`version ${version} is active${loaded.loops.has(this.options.loop) ? "" : ` (it has no loop '${this.options.loop}': this worker only finishes jobs of earlier versions)`}`),
        (e: unknown) => this.options.log(`version ${version} is active, but this worker refuses it: ${e instanceof Error ? e.message : String(e)}`),
      );
    });
  }

  /**
   * Takes a capture point (its definition as the capture command wrote it) and says so in
   * its hash; one that is gone (withdrawn, expired) is dropped again.
   */
  private async takeCapture(id: string, text: string): Promise<void> {
    const definition = parseCaptureDefinition(text);
    if (definition === undefined) return;
    const where = definition.where === undefined ? undefined : parseCondition(definition.where).condition;
    if (definition.where !== undefined && where === undefined) return this.options.log(`capture point ${id}: its condition does not parse; ignored`);
    if (!this.captures.add(id, definition.node, where, definition.count)) return;
    try {
      if (await this.store.ackCapture(id, this.options.workerId)) this.options.log(`capture point ${id} set on node '${definition.node}'`);
      else this.captures.remove(id);
    } catch (e) {
      // Kept: its records go through the script, which knows whether the point is still there.
      this.options.log(`capture point ${id}: could not tell Redis this worker has it (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /** Records a captured call, without the job waiting for it; a point that is full or gone is dropped. */
  private recordCall(point: LiveCapture, node: string, call: CapturedCall): void {
    let text: string;
    try {
      text = captureRecordText(node, this.options.workerId, call);
    } catch {
      return;
    }
    this.store.recordCapture(point.id, text, CAPTURE_STREAM_CAP).then(
      (recorded) => {
        this.captureFailing = false;
        if (recorded <= 0 || recorded >= point.count) this.captures.remove(point.id);
      },
      (e: unknown) => {
        if (this.captureFailing) return;
        this.captureFailing = true;
        this.options.log(`capture point ${point.id}: a record was lost (${e instanceof Error ? e.message : String(e)})`);
      },
    );
  }

  /** Returns the jobs of our processing list in a partition that we are not running, seen so twice in a row. */
  private async sweepStrays(store: QueueStore): Promise<void> {
    const listed = await store.processingJobs(this.options.loop, this.options.workerId);
    const strays = new Set(listed.filter((text) => !this.inFlight.has(text)));
    for (const text of strays) {
      if (this.strays.get(store)?.has(text) && (await store.returnJob(this.options.loop, this.options.workerId, text))) this.options.log("returned a job left in this worker's list by a lost reply");
    }
    this.strays.set(store, strays);
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      task()
        .then(() => this.connectionBack())
        .catch((e: unknown) => this.redisFailed(e))
        .finally(() => (busy = false));
    }, ms);
    this.timers.push(timer);
  }

  /**
   * Runs a store operation until it goes through: each is safe to repeat (a commit whose
   * job already left the list does nothing), so a lost connection only delays it. After
   * stop() returned the worker's jobs to the queue, a late job's operation is dropped.
   */
  private persist(operation: () => Promise<boolean>): Promise<boolean> {
    if (this.released) return Promise.resolve(false);
    // The first attempt, which nearly always goes through, without an async frame (and its promises) of its own.
    let first: Promise<boolean>;
    try {
      first = operation();
    } catch (e) {
      first = Promise.reject(e);
    }
    return first.then(
      (result) => {
        this.connectionBack();
        return result;
      },
      (e: unknown) => this.persistAfter(e, operation),
    );
  }

  /** persist() once an attempt failed with `error`: again after a backoff, until it goes through or the worker gave its jobs back. */
  private async persistAfter(error: unknown, operation: () => Promise<boolean>): Promise<boolean> {
    for (let attempt = 0; !this.released; attempt++) {
      this.redisFailed(error);
      await sleep(Math.min(50 * 2 ** attempt, 2000));
      if (this.released) break;
      try {
        const result = await operation();
        this.connectionBack();
        return result;
      } catch (e) {
        error = e;
      }
    }
    return false;
  }

  /** A command failed: Redis is away (said once per outage) or out of memory (said once per episode). */
  private redisFailed(e: unknown): void {
    // Redis answers but refuses to grow: not an outage, and the leases hold (they may use memory).
    if (isOutOfMemoryError(e)) {
      if (this.outOfMemory) return;
      this.outOfMemory = true;
      this.options.log("Redis is out of memory (maxmemory reached): taking no new jobs until it has room; jobs in flight finish, leases hold");
      return;
    }
    if (this.outage) return;
    this.outage = true;
    this.options.log(`lost Redis (${e instanceof Error ? e.message : String(e)}); reconnecting`);
  }

  /** A take went through: Redis has room again. */
  private memoryBack(): void {
    if (!this.outOfMemory) return;
    this.outOfMemory = false;
    this.options.log("Redis has memory again");
  }

  private connectionBack(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.log("Redis is back");
  }
}

/** What the loop computed for a spread job before its spreading: what the job to resume holds that it did not enter with. */
function gatheredOutputs(gathered: { entered: string; resume: string }): Record<string, string> | undefined {
  try {
    return loopOutputs(parseJobMessage(gathered.entered), parseJobMessage(gathered.resume).values);
  } catch (e) {
    // A damaged gather hash: the record goes without them, as the job still goes dead.
    if (e instanceof BadJobError) return undefined;
    throw e;
  }
}

function sumOf(counts: readonly number[]): number {
  return counts.reduce((total, count) => total + count, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
