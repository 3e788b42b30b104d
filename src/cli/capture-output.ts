// How `stepgraph capture` prints a record: one line of text, or (--json) one JSON object a
// line, its values decoded and shown as JSON (a Date as its ISO text, a Map as an object...).
import type { CaptureRecord } from "../production/capture-point";
import { decodeValue, toJsonValue } from "../runtime/values";

/** A record as `--json` prints it: values as JSON, a value left out for its size as `{ "leftOut": BYTES }`. */
export function captureRecordJson(record: CaptureRecord): Record<string, unknown> {
  const { job, node, worker, attempt, at, durationMs } = record;
  const shown: Record<string, unknown> = { job, node, worker, attempt, at: new Date(at).toISOString(), durationMs, args: argsOf(record) };
  if (record.output !== undefined) shown.output = shownValue(record.output);
  else if (record.outputBytes !== undefined) shown.output = { leftOut: record.outputBytes };
  if (record.error !== undefined) shown.error = record.error;
  return shown;
}

/** `job 7 on WORKER (attempt 1, 0.12 ms): b(5) = 10`, or `... b(5) failed: MESSAGE`. */
export function captureRecordLine(record: CaptureRecord): string {
  const args = argsOf(record);
  const call = `${record.node}(${Array.isArray(args) ? args.map((arg) => JSON.stringify(arg) ?? "null").join(", ") : JSON.stringify(args)})`;
  const head = `job ${record.job} on ${record.worker} (attempt ${record.attempt}, ${record.durationMs} ms): ${call}`;
  if (record.error !== undefined) return `${head} failed: ${record.error.message.split("\n")[0]}`;
  if (record.output !== undefined) return `${head} = ${JSON.stringify(shownValue(record.output)) ?? "null"}`;
  return `${head} = (left out: ${record.outputBytes ?? 0} bytes)`;
}

function argsOf(record: CaptureRecord): unknown {
  if (record.args !== undefined) return shownValue(record.args);
  return { leftOut: record.argsBytes ?? 0 };
}

function shownValue(encoded: string): unknown {
  try {
    return toJsonValue(decodeValue(encoded));
  } catch {
    return { undecodable: encoded.slice(0, 200) };
  }
}
