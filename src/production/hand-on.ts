// What a loop hands on when it is done with a job (docs/production.md, "The queues"): the
// message for each next loop (joined where that loop has several upstream loops) or the
// job's part of the result; and, for a mapped node spread over the loop's workers, one
// message per element and what the job keeps meanwhile. The store moves these as opaque text.
import { randomUUID } from "node:crypto";
import type { CommitTarget, FinishedJob } from "../store/queue-store";
import { heldJob } from "./dead-record";
import { messageText, pick, type JobMessage } from "./job-message";
import type { ProductionGraph, ProductionLoop } from "./production-graph";

/** How long a finished job's result (done, or dead and dropped) and a batch's notify list are kept. */
export const RESULT_TTL_SECONDS = 24 * 3600;

/**
 * `job`, which `loop` finished with `values`, as the store commits it: to each next loop,
 * or into the result. `skipped`: the nodes skipped so far; each next loop is told of those it reads.
 */
export function finishedJob(graph: ProductionGraph, loop: ProductionLoop, jobText: string, job: JobMessage, values: Record<string, string>, skipped: readonly string[] = []): FinishedJob {
  const now = Date.now();
  const targets: CommitTarget[] = loop.downstream.map((down) => {
    const handOn = loop.handOn[down];
    const skips = skipped.length === 0 ? undefined : skipped.filter((name) => handOn.includes(name));
    const payload = messageText({ id: job.id, v: job.v, b: job.b, t: job.t, q: now, s: skips }, values, handOn);
    const upstreamCount = graph.loops.find((l) => l.name === down)?.upstream.length ?? 1;
    return upstreamCount > 1 ? { kind: "join", loop: down, payload, part: loop.name, expectedParts: upstreamCount } : { kind: "push", loop: down, payload };
  });
  if (loop.resultPart) {
    targets.push({ kind: "result", payload: JSON.stringify(pick(values, loop.resultPart)), part: loop.name, expectedParts: graph.lastLoops.length, batch: job.b });
  }
  return { text: jobText, id: job.id, version: job.v, latencyMs: now - job.q, targets };
}

/** A spreading of a job's mapped node over the loop's workers, as the store's spread script takes it. */
export interface Spreading {
  /** Names this spreading (its gather hash), so that elements of an earlier one are not gathered into it. */
  token: string;
  /** The job to resume once every element is done, with what it holds so far. */
  resume: string;
  /** The job as it entered the loop, and its values as JSON: for a dead letter should an element die. */
  entered: string;
  state: string;
  /** One message per element for the loop's queue. */
  messages: string[];
}

/**
 * Spreads the elements of `job`'s mapped node `node` (`elements`: each one's index and encoded
 * arguments, of `count`) over the loop's workers: the job waits in a gather hash holding
 * `values`, holding no slot, and each element becomes a message of the loop's queue.
 */
export function spreading(job: JobMessage, node: string, count: number, elements: readonly { index: number; args: string }[], values: Record<string, string>): Spreading {
  const token = randomUUID();
  const now = Date.now();
  const held = heldJob(job, values);
  const messages = elements.map(({ index, args }) =>
    JSON.stringify({ e: { g: token, n: node, i: index, c: count, a: args }, id: job.id, v: job.v, ...(job.b === undefined ? {} : { b: job.b }), t: job.t, q: now, values: {} } satisfies JobMessage),
  );
  return { token, resume: JSON.stringify({ ...job, values } satisfies JobMessage), entered: held.entered, state: JSON.stringify(held.state), messages };
}
