// QueueManager: production mode's queues for one graph as its users see them (the CLI and
// the extension): submit, results, status and the dead-letter list. The workers' side of
// the queues is the loop worker's (loop-worker.ts), on the same store.
import { randomUUID } from "node:crypto";
import type { LoopCounts, GraphTotals, QueueStore } from "../store/queue-store";
import { decodeValue, encodeValue, toJsonValue } from "../runtime/values";
import type { DeadError, DeadRecord } from "./dead-record";
import { RESULT_TTL_SECONDS } from "./hand-on";
import { pick, type JobMessage } from "./job-message";
import { readPointer, type VersionManifest } from "./signed-version";

export type JobOutcome = { id: string; status: "done"; result: Record<string, unknown> } | { id: string; status: "dead"; error: DeadError } | { id: string; status: "pending" };

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
  async waitForBatch(batch: string, ids: readonly string[], onOutcome: (outcome: JobOutcome) => void, options: { timeoutMs: number }): Promise<string[]> {
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
      const id = await this.store.nextFinished(batch, seconds);
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

/** Jobs per submit script: large enough to amortise the round trip, small enough to keep Redis responsive. */
const SUBMIT_CHUNK = 500;

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
