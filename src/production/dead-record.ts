// A dead job's dead-letter record, and the error its result holds: built here only, for
// every way a job dies (a node's last attempt, an element's last attempt, a worker that died
// running it too often, a version the worker refuses). The store keeps both as opaque text.
import { decodeValue, toJsonValue } from "../runtime/values";
import type { JobMessage } from "./job-message";

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

/** What the job held when it died: its values (as JSON) and the job as it entered the loop. */
export interface HeldJob {
  state: Record<string, unknown>;
  entered: string;
}

/** The record and the result's error of a job of `loop` that died of `failure`, as the store keeps them. */
export function deadLetter(loop: string, job: JobMessage, failure: JobFailure, held: HeldJob): { record: string; error: string } {
  const record: DeadRecord = { id: job.id, loop, version: job.v, diedAt: Date.now(), ...failure, state: held.state, job: held.entered };
  const error: DeadError = { message: failure.error, node: failure.node, loop, attempts: failure.attempts };
  return { record: JSON.stringify(record), error: JSON.stringify(error) };
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
