// A dead job's dead-letter record, and the error its result holds: built here only, for
// every way a job dies (a node's last attempt, an element's last attempt, a worker that died
// running it too often, a version the worker refuses). The store keeps both as opaque text.
//
// A record carries what a replay needs (docs/debugging.md, "Replaying a production job"):
// the job as it entered the loop (its values encoded, as `dead retry` puts it back) and the
// outputs the loop computed for it before it died, encoded too, so that a replay gets them
// as production held them (a Date stays a Date). A record is kept within
// DEAD_RECORD_LIMIT_BYTES: past it the outputs are left out (and named), then the state shown
// as JSON; the job as it entered the loop always stays (the queue held it already).
import type { RecordedFailure } from "../runtime/recorded-job";
import { decodeValue, toJsonValue } from "../runtime/values";
import type { JobMessage } from "./job-message";

/** The most a dead-letter record takes (its JSON, in bytes), the job as it entered the loop apart. */
export const DEAD_RECORD_LIMIT_BYTES = 1024 * 1024;

/** What the state shows for an output the record left out. */
const LEFT_OUT = "(left out: over the dead-letter record's limit)";

/** One death of a job in a loop (the failure a replay stops at), and what production keeps to retry it. */
export interface DeadRecord extends RecordedFailure {
  id: string;
  /** The values the job held in that loop, as JSON. */
  state: Record<string, unknown>;
  /** Set when the state was left out to keep the record within its limit (then `state` is empty). */
  stateLeftOut?: true;
  /** The job as it entered the loop, to put back on `dead retry`. */
  job: string;
  /**
   * The outputs the loop computed for the job before it died (those of its nodes that
   * finished; not a map's elements), encoded, by node. Absent in records of an earlier
   * Stepgraph, and when left out.
   */
  outputs?: Record<string, string>;
  /** The nodes whose outputs were left out to keep the record within its limit. */
  outputsLeftOut?: string[];
}

/** What a dead job's result says: what `submit --wait` prints. */
export interface DeadError {
  message: string;
  node: string;
  loop: string;
  attempts: number;
}

/** Why a job died, as the worker saw it. */
export interface JobFailure {
  node: string;
  element?: number;
  attempts: number;
  error: string;
  stack?: string;
}

/** What the job held when it died: its values (as JSON), the job as it entered the loop, and what the loop computed for it (encoded). */
export interface HeldJob {
  state: Record<string, unknown>;
  entered: string;
  outputs?: Record<string, string>;
}

/** The record and the result's error of a job of `loop` that died of `failure`, as the store keeps them (the record within its limit). */
export function deadLetter(loop: string, job: JobMessage, failure: JobFailure, held: HeldJob): { record: string; error: string } {
  const record: DeadRecord = { id: job.id, loop, version: job.v, diedAt: Date.now(), ...failure, state: held.state, job: held.entered, ...(held.outputs ? { outputs: held.outputs } : {}) };
  const error: DeadError = { message: failure.error, node: failure.node, loop, attempts: failure.attempts };
  return { record: withinLimit(record), error: JSON.stringify(error) };
}

/** The record's text, its outputs left out (and then its state) when it would be over the limit. */
function withinLimit(record: DeadRecord): string {
  let text = JSON.stringify(record);
  if (Buffer.byteLength(text) <= DEAD_RECORD_LIMIT_BYTES) return text;
  const leftOut = Object.keys(record.outputs ?? {});
  if (leftOut.length > 0) {
    const state = Object.fromEntries(Object.entries(record.state).map(([name, value]) => [name, leftOut.includes(name) ? LEFT_OUT : value]));
    record = { ...record, state, outputs: undefined, outputsLeftOut: leftOut };
    text = JSON.stringify(record);
    if (Buffer.byteLength(text) <= DEAD_RECORD_LIMIT_BYTES) return text;
  }
  return JSON.stringify({ ...record, state: {}, stateLeftOut: true });
}

/**
 * The outputs the loop computed for `entered` (the job as it entered the loop), of all it
 * holds now (`values`, encoded): what it did not enter with. A map's elements (`NODE#I`) are
 * left out: a replay runs the node that failed whole.
 */
export function loopOutputs(entered: JobMessage, values: Record<string, string>): Record<string, string> {
  // Entries, not assignments: a node named `__proto__` is an own property like any other.
  return Object.fromEntries(Object.entries(values).filter(([name]) => !Object.hasOwn(entered.values, name) && !name.includes("#")));
}

/** What `job` holds in its loop with `values` (encoded): the job as it entered, without its failed attempts (a retry starts afresh). */
export function heldJob(job: JobMessage, values: Record<string, string>): HeldJob {
  return { state: recordState(values), entered: JSON.stringify({ ...job, failed: undefined } satisfies JobMessage) };
}

/** A job's values as a dead record shows them: decoded, each value marked where it does not decode (the job may have died of that). */
export function recordState(values: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([name, encoded]) => {
      try {
        return [name, toJsonValue(decodeValue(encoded))];
      } catch {
        return [name, "(undecodable)"];
      }
    }),
  );
}
