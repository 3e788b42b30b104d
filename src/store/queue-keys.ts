// The key layout of production mode. Every key of a graph carries the graph's hash tag
// (`stepgraph:{orders}:prod:...`), so all of them live in one Redis Cluster slot and every
// queue script may touch any of them. A partitioned graph (`graph orders [partitions: N]`)
// keeps its versions, active pointer, control channel and counters under that tag, and its
// queues, results, dead letters and counts under one tag per partition: `{orders}` for
// partition 0 (the graph's own), `{orders:1}` ... `{orders:N-1}` for the others. A job keeps
// its partition, so every script still touches one partition's keys: one slot.
import { graphKeyPrefix, partitionKeyPrefix } from "./keys";

export interface QueueKeys {
  /** Every production key of the partition starts with this. */
  prefix: string;
  /** The partition (0 for a graph of one). */
  partition: number;
  /** Set of the partition counts of every version deployed: the graph's queues span as many partitions as the largest. */
  partitions: string;
  /** Counter handing out version numbers. */
  versionSeq: string;
  /** Hash of one deployed version: manifest, artifact, signature. */
  version(version: number): string;
  /** Sorted set of the stored versions' numbers (scored by the number). */
  versions: string;
  /** The active-version pointer: its version and sequence number, signed. */
  active: string;
  /** Counter handing out the active pointer's sequence numbers. */
  activeSeq: string;
  /** Pub/sub channel of control messages to the workers (a new active version). */
  control: string;
  /** Counter handing out job ids (of every partition). */
  jobSeq: string;
  /** Hash of the graph's capture points: id → definition (JSON); a point whose hash below is gone has expired. */
  captures: string;
  /** Hash of one capture point while it is set: how many calls it records, how many it has, the workers that have it (`w:ID`). Expires. */
  capture(id: string): string;
  /** The capped stream of one capture point's records. Expires with it. */
  captureRecords(id: string): string;
  // The keys below are the partition's.
  /** Hash of the partition's totals: submitted, completed, dead, and `live:N`, the jobs of version N not finished yet (status sums the partitions). */
  totals: string;
  /** Hash of dead jobs: job id → dead-letter record. */
  dead: string;
  /** Hash of a job's result: one field per terminal loop's part, `done`, or `dead`. */
  result(jobId: string): string;
  /** List a submitter blocks on: the ids of its batch's jobs as they finish. */
  notify(batch: string): string;
  /** The jobs waiting for a loop. */
  waiting(loop: string): string;
  /** Jobs of a loop waiting out a retry backoff, scored by when they are due. */
  delayed(loop: string): string;
  /** The parts of a job gathered for a loop with several upstream loops. */
  join(loop: string, jobId: string): string;
  /**
   * Hash of a job whose mapped node's elements are spread over the loop's workers: the job
   * to resume, the elements left, each element's result. `token` names one spreading, so
   * that elements of an earlier one (a job that died, retried since) are not gathered into it.
   */
  gather(loop: string, jobId: string, token: string): string;
  /** The workers of a loop that have registered (alive or not). */
  workers(loop: string): string;
  /** A worker's processing list: the jobs it has taken. */
  processing(loop: string, worker: string): string;
  /** A worker's lease: exists while the worker is alive. */
  lease(loop: string, worker: string): string;
  /** Hash of how often a job's worker died while running it in a loop: SHA-1 of the job's text → deaths. */
  deaths(loop: string): string;
  /** Hash of a loop's counters: done, failed (attempts), dead. */
  loopStats(loop: string): string;
  /** Hash of a loop's finished jobs and their latency in the current and the previous 10 seconds (see the commit script). */
  rate(loop: string): string;
}

export function queueKeys(graph: string, partition = 0): QueueKeys {
  const home = `${graphKeyPrefix(graph)}prod:`;
  const prefix = `${partitionKeyPrefix(graph, partition)}prod:`;
  const loop = (name: string) => `${prefix}loop:${name}:`;
  return {
    prefix,
    partition,
    partitions: `${home}partitions`,
    versionSeq: `${home}version-seq`,
    version: (version) => `${home}version:${version}`,
    versions: `${home}versions`,
    active: `${home}active`,
    activeSeq: `${home}active-seq`,
    control: `${home}control`,
    jobSeq: `${home}job-seq`,
    captures: `${home}captures`,
    capture: (id) => `${home}capture:${id}`,
    captureRecords: (id) => `${home}capture:${id}:records`,
    totals: `${prefix}totals`,
    dead: `${prefix}dead`,
    result: (jobId) => `${prefix}result:${jobId}`,
    notify: (batch) => `${prefix}notify:${batch}`,
    waiting: (name) => `${loop(name)}waiting`,
    delayed: (name) => `${loop(name)}delayed`,
    join: (name, jobId) => `${loop(name)}join:${jobId}`,
    gather: (name, jobId, token) => `${loop(name)}gather:${jobId}:${token}`,
    workers: (name) => `${loop(name)}workers`,
    processing: (name, worker) => `${loop(name)}processing:${worker}`,
    lease: (name, worker) => `${loop(name)}lease:${worker}`,
    deaths: (name) => `${loop(name)}deaths`,
    loopStats: (name) => `${loop(name)}stats`,
    rate: (name) => `${loop(name)}rate`,
  };
}

/** What SCAN matches to find every graph's active-version pointer: `stepgraph:{*}:prod:active`. */
export const ACTIVE_POINTER_PATTERN = queueKeys("*").active;

/** The graph whose active-version pointer `key` is; undefined for another key the pattern matches (its `*` matches any text). */
export function graphOfActivePointer(key: string): string | undefined {
  const [before, after] = ACTIVE_POINTER_PATTERN.split("*");
  if (!key.startsWith(before) || !key.endsWith(after)) return undefined;
  const graph = key.slice(before.length, key.length - after.length);
  // A name as `graph NAME` declares it: not a partition's tag (`orders:1`), not a key that only starts and ends like one.
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(graph) ? graph : undefined;
}
