// QueueManager: production mode's queues for one graph as its users see them (the CLI and
// the extension): submit, results, status and the dead-letter list, each over every
// partition of a partitioned graph (a job's own, found from its id, where there is one).
// The workers' side of the queues is the loop worker's (loop-worker.ts), on the same store.
import { randomUUID } from "node:crypto";
import type { LoopCounts, GraphTotals, QueueStore } from "../store/queue-store";
import { decodeValue, encodeValue, toJsonValue } from "../runtime/values";
import type { DeadError, DeadRecord } from "./dead-record";
import { RESULT_TTL_SECONDS } from "./hand-on";
import { messageText, type JobMessage } from "./job-message";
import { jobIdentity, partitionOfJob } from "./job-partition";
import { partitionsOf } from "./production-graph";
import { readPointer, type VersionManifest } from "./signed-version";

export type JobOutcome = { id: string; status: "done"; result: Record<string, unknown> } | { id: string; status: "dead"; error: DeadError } | { id: string; status: "pending" };

/** A loop's counts in one partition, or summed over them (workers: the most any partition has, as each worker serves them all). */
export interface LoopPartitionStatus extends Omit<LoopCounts, "recentDone" | "recentLatencyMs" | "recentSeconds"> {
  /** Jobs per second over the last 10 to 20 seconds. */
  throughput: number;
  /** Mean time from entering the loop's list to leaving the loop, over the same window; null when none finished. */
  latencyMs: number | null;
}

export interface LoopStatus extends LoopPartitionStatus {
  name: string;
  /** The same per partition (one entry for a graph of one partition). */
  partitions: (LoopPartitionStatus & { partition: number })[];
}

export interface GraphStatus extends GraphTotals {
  graph: string;
  activeVersion: number | null;
  /** How many partitions the graph's queues span (the most of any version deployed). */
  partitions: number;
  loops: LoopStatus[];
}

export class QueueManager {
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
    const version = await this.activeVersion();
    if (version === undefined) return undefined;
    const stored = await this.store.readVersion(version);
    return stored && (JSON.parse(stored.manifest) as VersionManifest);
  }

  /**
   * The active version's number as the pointer gives it, unverified as activeManifest's;
   * undefined when none is active. Throws VersionRefusedError when the pointer is not a
   * signed pointer at all.
   */
  async activeVersion(): Promise<number | undefined> {
    const pointer = await this.store.activePointer();
    return pointer === undefined ? undefined : readPointer(pointer, this.graphName).version;
  }

  /**
   * Enqueues one job per element of `jobInputs` on `manifest`'s version, spread round-robin
   * over its partitions (see job-partition.ts); resolves to their ids, in the same order.
   */
  async submit(manifest: VersionManifest, jobInputs: readonly Record<string, unknown>[], batch?: string): Promise<string[]> {
    const ids: string[] = [];
    const partitions = partitionsOf(manifest.graph);
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
      const jobs = (await this.store.nextJobIds(chunk.length)).map((number, i) => ({ inputs: chunk[i], ...jobIdentity(Number(number), partitions) }));
      const now = Date.now();
      const byPartition = new Map<number, typeof jobs>();
      for (const job of jobs) byPartition.set(job.partition, [...(byPartition.get(job.partition) ?? []), job]);
      await Promise.all(
        [...byPartition].map(([partition, group]) => {
          const byLoop = new Map<string, string[]>();
          for (const loop of entryLoops) {
            byLoop.set(
              loop.name,
              group.map(({ id, inputs }) => messageText({ id, v: manifest.version, b: batch || undefined, t: now, q: now }, encode(inputs), loop.needs)),
            );
          }
          return this.store.partitionStore(partition).submit(manifest.version, byLoop);
        }),
      );
      ids.push(...jobs.map((job) => job.id));
    }
    return ids;
  }

  /** A name for a submitter's batch of jobs, whose notify list it waits on. */
  newBatch(): string {
    return randomUUID();
  }

  /** What became of each job (pending for an id that is not a job's). */
  async outcomes(ids: readonly string[]): Promise<JobOutcome[]> {
    const hashes: Record<string, string>[] = ids.map(() => ({}));
    const byPartition = new Map<number, number[]>();
    ids.forEach((id, i) => {
      const partition = partitionOfJob(id);
      if (partition !== undefined) byPartition.set(partition, [...(byPartition.get(partition) ?? []), i]);
    });
    await Promise.all(
      [...byPartition].map(async ([partition, indexes]) => {
        const found = await this.store.partitionStore(partition).results(indexes.map((i) => ids[i]));
        indexes.forEach((index, k) => (hashes[index] = found[k]));
      }),
    );
    return ids.map((id, i) => outcomeOf(id, hashes[i]));
  }

  /**
   * Waits until every job of `batch` in `ids` has finished (done or dead), calling
   * `onOutcome` for each as it does; resolves early with the ids still pending when
   * `timeoutMs` passes.
   */
  async waitForBatch(batch: string, ids: readonly string[], onOutcome: (outcome: JobOutcome) => void, options: { timeoutMs: number }): Promise<string[]> {
    const pending = new Set(ids);
    // Jobs that finished before we started listening are found by reading their results.
    for (const outcome of await this.outcomes(ids)) {
      if (outcome.status !== "pending") {
        pending.delete(outcome.id);
        onOutcome(outcome);
      }
    }
    // Each partition's jobs are told on its own notify list: one wait per partition, each on its own connection.
    const byPartition = new Map<number, Set<string>>();
    for (const id of pending) {
      const partition = partitionOfJob(id);
      if (partition !== undefined) byPartition.set(partition, (byPartition.get(partition) ?? new Set()).add(id));
    }
    const deadline = Date.now() + options.timeoutMs;
    await Promise.all(
      [...byPartition].map(async ([partition, waiting]) => {
        const store = this.store.partitionStore(partition);
        while (waiting.size > 0 && Date.now() < deadline) {
          const seconds = Math.max(0.05, Math.min(1, (deadline - Date.now()) / 1000));
          const id = await store.nextFinished(batch, seconds);
          if (id === undefined || !waiting.has(id)) continue;
          const [outcome] = await this.outcomes([id]);
          if (outcome.status === "pending") continue;
          waiting.delete(id);
          pending.delete(id);
          onOutcome(outcome);
        }
      }),
    );
    return [...pending];
  }

  /** The graph's totals, summed over its partitions. */
  async totals(): Promise<GraphTotals> {
    const all = await Promise.all((await this.partitionStores()).map((store) => store.totals()));
    return { submitted: sum(all.map((t) => t.submitted)), completed: sum(all.map((t) => t.completed)), dead: sum(all.map((t) => t.dead)) };
  }

  /** The store of every partition the graph's queues span. */
  private async partitionStores(): Promise<QueueStore[]> {
    return this.store.partitionStoresUpTo(await this.store.partitionCount());
  }

  /** The totals and each loop's counts, summed over the partitions (each partition's too, per loop). */
  async status(): Promise<GraphStatus> {
    const stores = await this.partitionStores();
    const [manifest, totals] = await Promise.all([this.activeManifest(), this.totals()]);
    const loops = await Promise.all(
      (manifest?.graph.loops ?? []).map(async (loop): Promise<LoopStatus> => {
        const counts = await Promise.all(stores.map((store) => store.loopCounts(loop.name)));
        const partitions = counts.map((c, partition) => ({ partition, ...partitionStatus(c) }));
        const summed: LoopCounts = {
          waiting: sum(counts.map((c) => c.waiting)),
          delayed: sum(counts.map((c) => c.delayed)),
          inFlight: sum(counts.map((c) => c.inFlight)),
          done: sum(counts.map((c) => c.done)),
          failed: sum(counts.map((c) => c.failed)),
          dead: sum(counts.map((c) => c.dead)),
          workers: Math.max(...counts.map((c) => c.workers)),
          recentDone: sum(counts.map((c) => c.recentDone)),
          recentLatencyMs: sum(counts.map((c) => c.recentLatencyMs)),
          // Each partition's window as of its own node's clock: they agree to the millisecond or so.
          recentSeconds: Math.max(...counts.map((c) => c.recentSeconds)),
        };
        return { name: loop.name, ...partitionStatus(summed), partitions };
      }),
    );
    return { graph: this.graphName, activeVersion: manifest?.version ?? null, partitions: stores.length, ...totals, loops };
  }

  /** Every dead-letter record of every partition, oldest death first. */
  async deadJobs(): Promise<DeadRecord[]> {
    const hashes = await Promise.all((await this.partitionStores()).map((store) => store.deadRecords()));
    const records = hashes.flatMap((hash) => Object.values(hash).flatMap((text) => JSON.parse(text) as DeadRecord[]));
    return records.sort((a, b) => a.diedAt - b.diedAt);
  }

  /**
   * Puts a dead job back on the loops it died in, with fresh attempts, on the active version
   * (the one with the fix, whatever version it died on: that one may be gone).
   */
  async retryDead(id: string): Promise<DeadRetry> {
    const store = this.jobStore(id);
    if (store === undefined) return { kind: "missing" };
    const [text, manifest] = await Promise.all([store.deadRecord(id), this.activeManifest()]);
    if (text === undefined || manifest === undefined) return { kind: "missing" };
    const now = Date.now();
    const records = JSON.parse(text) as DeadRecord[];
    const loops = records.map((r) => r.loop);
    const missing = loops.find((loop) => !manifest.graph.loops.some((l) => l.name === loop));
    if (missing !== undefined) return { kind: "no-loop", loop: missing, version: manifest.version };
    const messages = records.map((r) => ({ loop: r.loop, job: JSON.stringify({ ...(JSON.parse(r.job) as JobMessage), v: manifest.version, q: now }) }));
    // Back in its own partition, whatever the active version's partition count: the workers serve every partition the graph has had.
    return (await store.resurrect(id, text, manifest.version, messages)) ? { kind: "retried", loops, version: manifest.version } : { kind: "missing" };
  }

  /** The store of job `id`'s partition; undefined when `id` is not a job id. */
  private jobStore(id: string): QueueStore | undefined {
    const partition = partitionOfJob(id);
    return partition === undefined ? undefined : this.store.partitionStore(partition);
  }

  /** Forgets a dead job (it stays counted as dead): its records and the parts waiting in its joins; its result expires. */
  async dropDead(id: string): Promise<boolean> {
    const store = this.jobStore(id);
    const text = await store?.deadRecord(id);
    if (store === undefined || text === undefined) return false;
    const joinLoops = new Set<string>();
    for (const version of new Set((JSON.parse(text) as DeadRecord[]).map((r) => r.version))) {
      const stored = await this.store.readVersion(version);
      const manifest = stored ? (JSON.parse(stored.manifest) as VersionManifest) : await this.activeManifest();
      for (const loop of manifest?.graph.loops ?? []) if (loop.upstream.length > 1) joinLoops.add(loop.name);
    }
    return store.dropDead(id, [...joinLoops], RESULT_TTL_SECONDS);
  }
}

/** What `dead retry` did: nothing (no such dead job), nothing (the active version lacks a loop it died in), or put it back. */
export type DeadRetry = { kind: "missing" } | { kind: "no-loop"; loop: string; version: number } | { kind: "retried"; loops: string[]; version: number };

/** Jobs per submit script: large enough to amortise the round trip, small enough to keep Redis responsive. */
const SUBMIT_CHUNK = 500;

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Counts as status shows them: throughput and mean latency over the recent window. */
function partitionStatus({ recentDone, recentLatencyMs, recentSeconds, ...counts }: LoopCounts): LoopPartitionStatus {
  return { ...counts, throughput: Math.round((recentDone / recentSeconds) * 10) / 10, latencyMs: recentDone > 0 ? Math.round(recentLatencyMs / recentDone) : null };
}

function outcomeOf(id: string, hash: Record<string, string>): JobOutcome {
  if (hash.dead !== undefined) return { id, status: "dead", error: JSON.parse(hash.dead) as DeadError };
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
