// QueueManager: production mode's queues for one graph, in the graph's terms. It turns
// a loop's finished job into the store's atomic hand-on (to each next loop, joined where a
// loop has several upstream loops, or into the result), and serves submit, results,
// status and the dead-letter list.
import { randomUUID } from "node:crypto";
import type { CommitTarget, FinishedJob, LoopCounts, GraphTotals } from "../store/queue-store";
import { QueueStore } from "../store/queue-store";
import { decodeValue, encodeValue, toJsonValue } from "../runtime/values";
import { pick, type ElementWork, type JobMessage } from "./job-message";
import type { ProductionGraph, ProductionLoop } from "./production-graph";
import { readPointer, type VersionManifest } from "./signed-version";

/** How long a finished job's result (done, or dead and dropped) and a batch's notify list are kept. */
export const RESULT_TTL_SECONDS = 24 * 3600;

export interface DeadRecord {
  id: string;
  loop: string;
  node: string;
  /** For a mapped node: the element that failed its last attempt. */
  element?: number;
  attempts: number;
  error: string;
  stack?: string;
  version: number;
  diedAt: number;
  /** The values the job held in that loop, as JSON. */
  state: Record<string, unknown>;
  /** The job as it entered the loop, to put back on `dead retry`. */
  job: string;
}

export type JobOutcome =
  | { id: string; status: "done"; result: Record<string, unknown> }
  | { id: string; status: "dead"; error: { message: string; node: string; loop: string; attempts: number } }
  | { id: string; status: "pending" };

export interface LoopStatus extends Omit<LoopCounts, "recentDone" | "recentLatencyMs" | "recentSeconds"> {
  name: string;
  /** Jobs per second over the last 10 to 20 seconds. */
  throughput: number;
  /** Mean time from entering the loop's list to leaving the loop, over the same window; null when none finished. */
  latencyMs: number | null;
}

export interface GraphStatus extends GraphTotals {
  graph: string;
  activeVersion: number | null;
  loops: LoopStatus[];
}

/** Finished jobs waiting for their commit script call. */
interface CommitBatch {
  loop: string;
  worker: string;
  jobs: FinishedJob[];
  waiters: { resolve(committed: boolean): void; reject(e: unknown): void }[];
}

/** Jobs per commit script call at most: enough to amortise the call, short enough not to hold Redis up. */
const MAX_COMMIT_BATCH = 100;

export class QueueManager {
  private readonly commitBatches = new Map<string, CommitBatch>();

  constructor(readonly store: QueueStore) {}

  get graphName(): string {
    return this.store.graph;
  }

  /**
   * The active version's manifest, unverified: enough to submit jobs and name loops (the
   * submitter has no key). Workers verify the version and the pointer. Throws
   * VersionRefusedError when the pointer is not a signed pointer at all.
   */
  async activeManifest(): Promise<VersionManifest | undefined> {
    const pointer = await this.store.activePointer();
    if (pointer === undefined) return undefined;
    const stored = await this.store.readVersion(readPointer(pointer, this.graphName).version);
    return stored && (JSON.parse(stored.manifest) as VersionManifest);
  }

  /** Enqueues one job per element of `jobInputs` on `manifest`'s version; resolves to their ids, in the same order. */
  async submit(manifest: VersionManifest, jobInputs: readonly Record<string, unknown>[], batch?: string): Promise<string[]> {
    const ids: string[] = [];
    const entryLoops = manifest.graph.loops.filter((l) => manifest.graph.entryLoops.includes(l.name));
    // Jobs with the same inputs (submit --count) share their encoding.
    const encodings = new Map<Record<string, unknown>, Record<string, string>>();
    const encode = (inputs: Record<string, unknown>) => {
      let encoded = encodings.get(inputs);
      if (encoded === undefined) {
        encoded = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, encodeValue(value)]));
        encodings.set(inputs, encoded);
      }
      return encoded;
    };
    for (let start = 0; start < jobInputs.length; start += SUBMIT_CHUNK) {
      const chunk = jobInputs.slice(start, start + SUBMIT_CHUNK);
      const chunkIds = await this.store.nextJobIds(chunk.length);
      const now = Date.now();
      const byLoop = new Map<string, string[]>();
      for (const loop of entryLoops) {
        byLoop.set(
          loop.name,
          chunk.map((inputs, i) => JSON.stringify({ id: chunkIds[i], v: manifest.version, ...(batch ? { b: batch } : {}), t: now, q: now, values: pick(encode(inputs), loop.needs) } satisfies JobMessage)),
        );
      }
      await this.store.submit(manifest.version, byLoop);
      ids.push(...chunkIds);
    }
    return ids;
  }

  /** A name for a submitter's batch of jobs, whose notify list it waits on. */
  newBatch(): string {
    return randomUUID();
  }

  /**
   * Hands a job on from `loop` (to each next loop, or into the result) and removes it from
   * the worker's processing list, atomically. False: the job was no longer this worker's.
   * Jobs finished in the same turn of the event loop are committed by one script call.
   * `skipped`: the nodes skipped so far; each next loop is told of those it reads.
   */
  finish(graph: ProductionGraph, loop: ProductionLoop, worker: string, jobText: string, job: JobMessage, values: Record<string, string>, skipped: string[] = []): Promise<boolean> {
    const now = Date.now();
    const targets: CommitTarget[] = loop.downstream.map((down) => {
      // Field by field: spreading the job and blanking `failed` made a slow object (2.5 µs more a message).
      const handOn = loop.handOn[down];
      const skips = skipped.length === 0 ? skipped : skipped.filter((name) => handOn.includes(name));
      const payload = JSON.stringify({ id: job.id, v: job.v, ...(job.b === undefined ? {} : { b: job.b }), t: job.t, q: now, values: pick(values, handOn), ...(skips.length === 0 ? {} : { s: skips }) } satisfies JobMessage);
      const upstreamCount = graph.loops.find((l) => l.name === down)?.upstream.length ?? 1;
      return upstreamCount > 1 ? { kind: "join", loop: down, payload, part: loop.name, expectedParts: upstreamCount } : { kind: "push", loop: down, payload };
    });
    if (loop.resultPart) {
      targets.push({ kind: "result", payload: JSON.stringify(pick(values, loop.resultPart)), part: loop.name, expectedParts: graph.lastLoops.length, batch: job.b });
    }
    return this.commitSoon(loop.name, worker, { text: jobText, id: job.id, latencyMs: now - job.q, targets });
  }

  private commitSoon(loop: string, worker: string, job: FinishedJob): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const key = `${loop}\n${worker}`;
      let batch = this.commitBatches.get(key);
      if (batch === undefined) {
        const started: CommitBatch = { loop, worker, jobs: [], waiters: [] };
        this.commitBatches.set(key, started);
        setImmediate(() => this.flushCommits(key, started));
        batch = started;
      }
      batch.jobs.push(job);
      batch.waiters.push({ resolve, reject });
      if (batch.jobs.length >= MAX_COMMIT_BATCH) this.flushCommits(key, batch);
    });
  }

  private flushCommits(key: string, batch: CommitBatch): void {
    if (this.commitBatches.get(key) !== batch) return;
    this.commitBatches.delete(key);
    this.store.commit(batch.loop, batch.worker, batch.jobs, RESULT_TTL_SECONDS).then(
      (committed) => batch.waiters.forEach((waiter, i) => waiter.resolve(committed[i])),
      (e: unknown) => batch.waiters.forEach((waiter) => waiter.reject(e)),
    );
  }

  /** Puts a job back for another attempt after `delayMs`, with what this loop computed so far. */
  retry(loop: ProductionLoop, worker: string, jobText: string, retried: JobMessage, delayMs: number): Promise<boolean> {
    return this.store.retry(loop.name, worker, { text: jobText, id: retried.id }, JSON.stringify(retried), delayMs);
  }

  /**
   * Spreads the elements of a job's mapped node over the loop's workers: the job (with
   * `values`, what it holds so far) waits in a gather hash, holding no slot, and each element
   * in `elements` (its index and encoded arguments) becomes a message of the loop's queue.
   */
  spread(loop: ProductionLoop, worker: string, jobText: string, job: JobMessage, node: string, count: number, elements: readonly { index: number; args: string }[], values: Record<string, string>): Promise<boolean> {
    const token = randomUUID();
    const now = Date.now();
    const resume: JobMessage = { ...job, values };
    const entered: JobMessage = { ...job, failed: undefined };
    const state = JSON.stringify(Object.fromEntries(Object.entries(values).map(([name, encoded]) => [name, decodedForRecord(encoded)])));
    // `e` first: the reaper tells an element from a job by it.
    const messages = elements.map(({ index, args }) =>
      JSON.stringify({ e: { g: token, n: node, i: index, c: count, a: args }, id: job.id, v: job.v, ...(job.b === undefined ? {} : { b: job.b }), t: job.t, q: now, values: {} } satisfies JobMessage),
    );
    return this.store.spread(loop.name, worker, { text: jobText, id: job.id, token }, { resume: JSON.stringify(resume), entered: JSON.stringify(entered), state, node }, messages);
  }

  /** An element of a spread map is done: its result joins its job's; the last one sends the job on in its loop. */
  gather(loop: string, worker: string, elementText: string, job: JobMessage & { e: ElementWork }, result: string): Promise<boolean> {
    return this.store.gather(loop, worker, { text: elementText, jobId: job.id, token: job.e.g, index: job.e.i }, result);
  }

  /** An element of a spread map failed its last attempt: its job goes to the dead-letter list, with the element's index. */
  buryElement(loop: string, worker: string, elementText: string, job: JobMessage & { e: ElementWork }, failure: { attempts: number; error: string; stack?: string }): Promise<boolean> {
    const node = job.e.n;
    const head = { id: job.id, loop, version: job.v, diedAt: Date.now(), node, element: job.e.i, attempts: failure.attempts, error: failure.error, ...(failure.stack === undefined ? {} : { stack: failure.stack }) };
    // The record's state and job are the gather hash's: the script completes it.
    const recordHead = `${JSON.stringify(head).slice(0, -1)},"state":`;
    const error = JSON.stringify({ message: failure.error, node, loop, attempts: failure.attempts });
    return this.store.buryElement(loop, worker, { text: elementText, jobId: job.id, token: job.e.g, version: job.v, batch: job.b }, recordHead, error, RESULT_TTL_SECONDS);
  }

  /** Moves a job whose node failed its last attempt to the dead-letter list. */
  bury(loop: string, worker: string, jobText: string, job: JobMessage, failure: { node: string; element?: number; attempts: number; error: string; stack?: string; values: Record<string, string> }): Promise<boolean> {
    const { values, ...rest } = failure;
    const entered: JobMessage = { ...job, failed: undefined };
    const state = Object.fromEntries(Object.entries(values).map(([name, encoded]) => [name, decodedForRecord(encoded)]));
    const record: DeadRecord = { id: job.id, loop, version: job.v, diedAt: Date.now(), job: JSON.stringify(entered), state, ...rest };
    const error = JSON.stringify({ message: failure.error, node: failure.node, loop, attempts: failure.attempts });
    return this.store.bury(loop, worker, { text: jobText, id: job.id, version: job.v, batch: job.b }, JSON.stringify(record), error, RESULT_TTL_SECONDS);
  }

  /** What became of each job. */
  async outcomes(ids: readonly string[]): Promise<JobOutcome[]> {
    const hashes = await this.store.results(ids);
    return ids.map((id, i) => outcomeOf(id, hashes[i]));
  }

  /**
   * Waits until every job of `batch` in `ids` has finished (done or dead), calling
   * `onOutcome` for each as it does; resolves early with the ids still pending when
   * `timeoutMs` passes.
   */
  async waitForBatch(batch: string, ids: readonly string[], onOutcome: (outcome: JobOutcome) => void, options: { timeoutMs: number; blocking: QueueStore["redis"] }): Promise<string[]> {
    const pending = new Set(ids);
    // Jobs that finished before we started listening are found by reading their results.
    for (const outcome of await this.outcomes(ids)) {
      if (outcome.status !== "pending") {
        pending.delete(outcome.id);
        onOutcome(outcome);
      }
    }
    const deadline = Date.now() + options.timeoutMs;
    while (pending.size > 0 && Date.now() < deadline) {
      const seconds = Math.max(0.05, Math.min(1, (deadline - Date.now()) / 1000));
      const id = await this.store.nextFinished(options.blocking, batch, seconds);
      if (id === undefined || !pending.has(id)) continue;
      const [outcome] = await this.outcomes([id]);
      if (outcome.status === "pending") continue;
      pending.delete(id);
      onOutcome(outcome);
    }
    return [...pending];
  }

  async status(): Promise<GraphStatus> {
    const [manifest, totals] = await Promise.all([this.activeManifest(), this.store.totals()]);
    const loops = await Promise.all(
      (manifest?.graph.loops ?? []).map(async (loop): Promise<LoopStatus> => {
        const { recentDone, recentLatencyMs, recentSeconds, ...counts } = await this.store.loopCounts(loop.name);
        return { name: loop.name, ...counts, throughput: Math.round((recentDone / recentSeconds) * 10) / 10, latencyMs: recentDone > 0 ? Math.round(recentLatencyMs / recentDone) : null };
      }),
    );
    return { graph: this.graphName, activeVersion: manifest?.version ?? null, ...totals, loops };
  }

  async deadJobs(): Promise<DeadRecord[]> {
    const records = Object.values(await this.store.deadRecords()).flatMap((text) => JSON.parse(text) as DeadRecord[]);
    return records.sort((a, b) => a.diedAt - b.diedAt);
  }

  /**
   * Puts a dead job back on the loops it died in, with fresh attempts, on the active version
   * (the one with the fix, whatever version it died on: that one may be gone).
   */
  async retryDead(id: string): Promise<DeadRetry> {
    const [text, manifest] = await Promise.all([this.store.deadRecord(id), this.activeManifest()]);
    if (text === undefined || manifest === undefined) return { kind: "missing" };
    const now = Date.now();
    const records = JSON.parse(text) as DeadRecord[];
    const loops = records.map((r) => r.loop);
    const missing = loops.find((loop) => !manifest.graph.loops.some((l) => l.name === loop));
    if (missing !== undefined) return { kind: "no-loop", loop: missing, version: manifest.version };
    const messages = records.map((r) => ({ loop: r.loop, job: JSON.stringify({ ...(JSON.parse(r.job) as JobMessage), v: manifest.version, q: now }) }));
    return (await this.store.resurrect(id, text, manifest.version, messages)) ? { kind: "retried", loops, version: manifest.version } : { kind: "missing" };
  }

  /** Forgets a dead job (it stays counted as dead): its records and the parts waiting in its joins; its result expires. */
  async dropDead(id: string): Promise<boolean> {
    const text = await this.store.deadRecord(id);
    if (text === undefined) return false;
    const joinLoops = new Set<string>();
    for (const version of new Set((JSON.parse(text) as DeadRecord[]).map((r) => r.version))) {
      const stored = await this.store.readVersion(version);
      const manifest = stored ? (JSON.parse(stored.manifest) as VersionManifest) : await this.activeManifest();
      for (const loop of manifest?.graph.loops ?? []) if (loop.upstream.length > 1) joinLoops.add(loop.name);
    }
    return this.store.dropDead(id, [...joinLoops], RESULT_TTL_SECONDS);
  }
}

/** What `dead retry` did: nothing (no such dead job), nothing (the active version lacks a loop it died in), or put it back. */
export type DeadRetry = { kind: "missing" } | { kind: "no-loop"; loop: string; version: number } | { kind: "retried"; loops: string[]; version: number };

/** A value of a dead job's state, or a mark where it does not decode (the job may have died of that). */
function decodedForRecord(encoded: string): unknown {
  try {
    return toJsonValue(decodeValue(encoded));
  } catch {
    return "(undecodable)";
  }
}

/** Jobs per submit script: large enough to amortise the round trip, small enough to keep Redis responsive. */
const SUBMIT_CHUNK = 500;

function outcomeOf(id: string, hash: Record<string, string>): JobOutcome {
  if (hash.dead !== undefined) return { id, status: "dead", error: JSON.parse(hash.dead) as Extract<JobOutcome, { status: "dead" }>["error"] };
  if (hash.done === undefined) return { id, status: "pending" };
  // Entries, not assignments: a node named `__proto__` is an own property like any other.
  const entries: [string, unknown][] = [];
  for (const [field, text] of Object.entries(hash)) {
    if (!field.startsWith("part:")) continue;
    for (const [name, encoded] of Object.entries(JSON.parse(text) as Record<string, string>)) entries.push([name, toJsonValue(decodeValue(encoded))]);
  }
  const result: Record<string, unknown> = Object.fromEntries(entries);
  return { id, status: "done", result };
}
