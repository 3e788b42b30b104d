// Reads what production recorded of one job, for a replay (docs/debugging.md, "Replaying a
// production job"): for a dead job its dead-letter records (the job as it entered each loop
// it died in, and what that loop computed for it before), for a finished one its result.
// Reads only: production's Redis is opened for reading (QueueStore.openForReading), and a
// user that may only read serves it.
import type { CacheMode } from "../runtime/orchestrator";
import type { RecordedFailure, RecordedJob } from "../runtime/recorded-job";
import { cacheMayUse, type RedisChoice } from "../store/open-cache-storage";
import { RedisUnavailableError } from "../store/redis-connection";
import { redactRedisUrl } from "../store/redis-url";
import { QueueStore } from "../store/queue-store";
import { DEAD_RECORD_LIMIT_BYTES, type DeadRecord } from "./dead-record";
import { BadJobError, parseJobMessage } from "./job-message";
import { JOB_ID_SHAPE, partitionOfJob } from "./job-partition";

/** A job that cannot be replayed, or a production Redis that cannot be read: one line for the user. */
export class ReplayError extends Error {}

/**
 * Why a replay reading production at `productionUrl` may not use the cache `choice` in
 * `mode`: its writes would land in production's Redis. A replay's cache is off unless asked for.
 */
export function replayCacheProblem(mode: CacheMode, choice: RedisChoice, productionUrl: string): string | undefined {
  if (mode === "off" || !cacheMayUse(choice, productionUrl)) return undefined;
  return `the cache of a replay cannot be the production Redis (${redactRedisUrl(productionUrl)}): it would write there. Leave the cache off (the default for a replay), or name another Redis, "private" or "memory" for it`;
}

/** What production at `url` recorded of job `jobId` of `graph`; throws ReplayError when it recorded nothing (or cannot be read). */
export async function readRecordedJob(url: string, graph: string, jobId: string): Promise<RecordedJob> {
  const partition = partitionOfJob(jobId);
  if (partition === undefined) throw new ReplayError(`'${jobId}' is not a job id (${JOB_ID_SHAPE})`);
  let reader;
  try {
    reader = await QueueStore.openForReading(url, graph);
  } catch (e) {
    if (e instanceof RedisUnavailableError) throw new ReplayError(e.message);
    throw e;
  }
  try {
    const { dead, result } = await reader.jobRecords(partition, jobId);
    const where = `job ${jobId} of graph ${graph} at ${redactRedisUrl(url)}`;
    let resultValues: Record<string, string>;
    let recorded: RecordedJob | undefined;
    try {
      resultValues = resultParts(result);
      if (dead !== undefined) recorded = deadJob(jobId, JSON.parse(dead) as DeadRecord[], resultValues);
    } catch (e) {
      if (!(e instanceof SyntaxError || e instanceof BadJobError)) throw e;
      throw new ReplayError(`what production recorded of ${where} cannot be read (${e.message}): it is damaged`);
    }
    if (recorded !== undefined) return recorded;
    if (result.done !== undefined) return { id: jobId, status: "done", values: resultValues, leftOut: [], recordLimitBytes: DEAD_RECORD_LIMIT_BYTES, failures: [] };
    if (result.dead !== undefined) throw new ReplayError(`${where} is dead, but its dead-letter record is gone (dropped with 'stepgraph dead ${graph} drop'): nothing is left to replay`);
    throw new ReplayError(`production has recorded nothing of ${where}: it is not dead and has no result (still running, never submitted, or done more than 24 hours ago: results expire then)`);
  } finally {
    reader.close();
  }
}

/** A dead job from its records (one per loop it died in) and the parts of its result other loops gave. */
function deadJob(id: string, records: DeadRecord[], resultValues: Record<string, string>): RecordedJob {
  // Entries, not assignments: a node named `__proto__` is an own property like any other.
  const entries = Object.entries(resultValues);
  const leftOut = new Set<string>();
  const failures: RecordedFailure[] = [];
  for (const record of records) {
    entries.push(...Object.entries(parseJobMessage(record.job).values), ...Object.entries(record.outputs ?? {}));
    for (const name of record.outputsLeftOut ?? []) leftOut.add(name);
    const { loop, node, element, attempts, error, stack, version, diedAt } = record;
    failures.push({ loop, node, ...(element === undefined ? {} : { element }), attempts, error, ...(stack === undefined ? {} : { stack }), version, diedAt });
  }
  return { id, status: "dead", values: Object.fromEntries(entries), leftOut: [...leftOut], recordLimitBytes: DEAD_RECORD_LIMIT_BYTES, failures };
}

/** The values of a result's parts (`part:LOOP` fields, each the JSON of encoded values by output). */
function resultParts(result: Record<string, string>): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [field, text] of Object.entries(result)) if (field.startsWith("part:")) entries.push(...Object.entries(JSON.parse(text) as Record<string, string>));
  return Object.fromEntries(entries);
}
