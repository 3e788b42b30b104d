// A job as it waits in a loop's list: its id, the version it started on, and the values
// (inputs and node outputs, each encoded) the loop needs. A loop with several upstream
// loops receives `{"join":[part, ...]}`, one part per upstream loop, joined here. An
// element of a spread map is a message of its own (`e`, first); a job whose elements are
// all done comes back as `{"gather":{"job":JOB,"node":NODE,"results":{"I":RESULT,...}}}`,
// its elements' results becoming its values `NODE#I`.
//
// Values are keyed by node name, and a node may be called `toString` or `__proto__`: the
// records keyed so are made without a prototype, and read with own-property checks only.

export interface JobMessage {
  id: string;
  /** The version the job started on; it finishes every loop on it. */
  v: number;
  /** The submitter's batch, whose notify list hears when the job finishes. */
  b?: string;
  /** When the job was submitted (epoch ms). */
  t: number;
  /** When the job entered this loop's list (epoch ms). */
  q: number;
  /** Encoded values by input or node name (no prototype). */
  values: Record<string, string>;
  /**
   * Failed attempts so far, by node, or by `NODE#I` for element I of a mapped node (a
   * retried job; no prototype).
   */
  failed?: Record<string, number>;
  /** Set on the message of one element of a spread map: which element, of which spreading. */
  e?: ElementWork;
  /** The nodes of earlier loops that were skipped (`when`) and that this loop or a later one reads; absent when none. */
  s?: string[];
}

export interface ElementWork {
  /** The spreading's token (part of its gather hash's key). */
  g: string;
  /** The mapped node. */
  n: string;
  i: number;
  /** How many elements. */
  c: number;
  /** The element call's arguments, encoded. */
  a: string;
  /** The element's failed attempts so far. */
  k?: number;
}

export class BadJobError extends Error {}

export function parseJobMessage(text: string): JobMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadJobError(`not JSON: ${text.slice(0, 80)}`);
  }
  if (isRecord(raw) && Array.isArray(raw.join)) return joinParts(raw.join.map(checkMessage));
  if (isRecord(raw) && isRecord(raw.gather)) return gathered(raw.gather);
  return checkMessage(raw);
}

function joinParts(parts: JobMessage[]): JobMessage {
  if (parts.length === 0) throw new BadJobError("a join of no parts");
  const joined: JobMessage = { ...parts[0], values: byName(), q: Math.max(...parts.map((p) => p.q)) };
  for (const part of parts) Object.assign(joined.values, part.values);
  const skipped = [...new Set(parts.flatMap((p) => p.s ?? []))];
  if (skipped.length > 0) joined.s = skipped;
  else delete joined.s;
  return joined;
}

function gathered(raw: Record<string, unknown>): JobMessage {
  const { node, results } = raw;
  if (typeof node !== "string" || !isRecord(results) || !Object.values(results).every((r) => typeof r === "string")) throw new BadJobError(`not a gathered job: ${JSON.stringify(raw).slice(0, 80)}`);
  const job = checkMessage(raw.job);
  for (const [index, result] of Object.entries(results as Record<string, string>)) job.values[`${node}#${index}`] = result;
  return job;
}

function checkMessage(raw: unknown): JobMessage {
  if (!isRecord(raw) || typeof raw.id !== "string" || typeof raw.v !== "number" || typeof raw.t !== "number" || typeof raw.q !== "number" || !isRecord(raw.values) || !isNameList(raw.s) || !isElementWork(raw.e)) {
    throw new BadJobError(`not a job: ${JSON.stringify(raw).slice(0, 80)}`);
  }
  const message = raw as unknown as JobMessage;
  // Assigning to a record with no prototype makes `__proto__` an own property like any other.
  message.values = Object.assign(byName<string>(), message.values);
  if (message.failed !== undefined) message.failed = Object.assign(byName<number>(), message.failed);
  return message;
}

/** An empty record keyed by node name: no prototype, so no name is taken already. */
export function byName<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The value of `name` in a record keyed by node name, if it has one of its own. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Absent, or an element's work. */
function isElementWork(value: unknown): boolean {
  return value === undefined || (isRecord(value) && typeof value.g === "string" && typeof value.n === "string" && typeof value.i === "number" && typeof value.c === "number" && typeof value.a === "string" && (value.k === undefined || typeof value.k === "number"));
}

/** Absent, or a list of names. */
function isNameList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((name) => typeof name === "string"));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a job's message to a loop holds besides its values. */
export type MessageHead = Pick<JobMessage, "id" | "v" | "b" | "t" | "q" | "s">;

/**
 * The text of the message of `head` holding the values of `names` that `values` has: what
 * JSON.stringify of that message would give (`s` left out when empty), written field by
 * field. One is written per job for each loop it goes to: building the object, its values a
 * record without prototype, only to stringify it, cost the submitter and each worker more.
 */
export function messageText(head: MessageHead, values: Readonly<Record<string, string>>, names: readonly string[]): string {
  let text = `{"id":${JSON.stringify(head.id)},"v":${JSON.stringify(head.v)}`;
  if (head.b !== undefined) text += `,"b":${JSON.stringify(head.b)}`;
  text += `,"t":${JSON.stringify(head.t)},"q":${JSON.stringify(head.q)},"values":{`;
  let separator = "";
  for (const name of names) {
    if (!Object.hasOwn(values, name)) continue;
    text += `${separator}${JSON.stringify(name)}:${JSON.stringify(values[name])}`;
    separator = ",";
  }
  text += "}";
  if (head.s !== undefined && head.s.length > 0) text += `,"s":${JSON.stringify(head.s)}`;
  return `${text}}`;
}

/** The values of `names` that `values` holds. */
export function pick(values: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  const picked = byName<string>();
  for (const name of names) if (Object.hasOwn(values, name)) picked[name] = values[name];
  return picked;
}
