// `stepgraph capture NAME NODE [--count N] [--where CONDITION] [--json] [--timeout SECONDS]`:
// sets a capture point on a node of the graph's active version (capture-point.ts), says on
// stderr once the live workers of its loop have it, prints each record as it arrives, and
// withdraws the point when it has N records, at --timeout, or at Ctrl-C.
import { randomBytes } from "node:crypto";
import { CAPTURE_KEEP_MS, CAPTURE_TTL_MS, capturableNodes, DEFAULT_CAPTURE_COUNT, MAX_CAPTURE_COUNT, parseCaptureRecord, parseWhere, type CaptureDefinition } from "../production/capture-point";
import type { QueueStore } from "../store/queue-store";
import { captureRecordJson, captureRecordLine } from "./capture-output";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { checkGraphName, openProduction, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl, refusalsAsUserErrors, secondsOption } from "./production-options";

const USAGE_LINE = "stepgraph capture NAME NODE [--count N] [--where CONDITION] [--json] [--timeout SECONDS]";
/** How long the command waits for every live worker to say it has the capture point. */
const ACK_WAIT_MS = 5000;
/** How long one read of the stream waits: a Ctrl-C is seen within it. */
const READ_BLOCK_MS = 250;

export const captureCommand: Command = {
  name: "capture",
  summary: "record a node's calls on the live workers, without stopping them",
  usage: `Usage: ${USAGE_LINE}

  NODE                         a node of the graph's active version
  --count N                    record the next N calls (default ${DEFAULT_CAPTURE_COUNT}, at most ${MAX_CAPTURE_COUNT}), then end
  --where CONDITION            only calls whose values satisfy CONDITION, written as in 'when' over
                               the names the node reads (e.g. --where 'order.total > 100')
  --json                       one JSON object a line: job, node, worker, attempt, at, durationMs, args, output or error
  --timeout SECONDS            end after this long even if fewer calls were recorded (default: wait)
${PRODUCTION_OPTIONS_USAGE}

Ctrl-C withdraws the capture point: the workers stop recording at once.
Exit status: 0 when it ended (N records, --timeout or Ctrl-C), 1 when Redis lost the capture point, 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("capture", args, {
      ...PRODUCTION_OPTIONS,
      count: { type: "string" },
      where: { type: "string" },
      json: { type: "boolean", default: false },
      timeout: { type: "string" },
    });
    const [name, nodeName, ...extra] = positionals;
    if (name === undefined || nodeName === undefined) throw new UserError(`capture: usage: ${USAGE_LINE}`);
    if (extra.length > 0) throw new UserError(`capture: unexpected '${extra[0]}'`);
    const graph = checkGraphName(name, "capture");
    const count = countOption(values.count);
    const timeoutMs = secondsOption(values.timeout, "timeout", Number.POSITIVE_INFINITY);
    const connection = await openProduction(graph, productionRedisUrl(values.redis));
    try {
      const manifest = await refusalsAsUserErrors(connection.manager.activeManifest());
      if (manifest === undefined) throw new UserError(`capture: graph '${graph}' has no deployed version (run 'stepgraph deploy FILE' first)`);
      const nodes = capturableNodes(manifest.graph);
      const node = nodes.find((n) => n.name === nodeName);
      if (node === undefined) throw new UserError(`capture: the active version ${manifest.version} of ${graph} has no node '${nodeName}' (its nodes: ${nodes.map((n) => n.name).join(", ")})`);
      if (values.where !== undefined) {
        const where = parseWhere(values.where, node);
        if ("problem" in where) throw new UserError(`capture: ${where.problem}`);
      }
      const loop = manifest.graph.loops.find((l) => l.nodes.includes(node.name));
      const definition: CaptureDefinition = { node: node.name, count, ...(values.where === undefined ? {} : { where: values.where }) };
      return await capture(connection.store, { graph, loop: loop?.name, definition, timeoutMs, json: values.json });
    } finally {
      connection.close();
    }
  },
};

function countOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CAPTURE_COUNT;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_CAPTURE_COUNT) throw new UserError(`capture: --count must be a whole number from 1 to ${MAX_CAPTURE_COUNT}, not '${value}'`);
  return count;
}

interface CaptureRun {
  graph: string;
  /** The loop whose workers run the node (undefined: a node inside a subgraph call). */
  loop: string | undefined;
  definition: CaptureDefinition;
  timeoutMs: number;
  json: boolean;
}

async function capture(store: QueueStore, run: CaptureRun): Promise<number> {
  const { graph, definition } = run;
  const id = randomBytes(6).toString("hex");
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  // SIGTERM too (a supervisor's stop): the point is withdrawn, not left to expire.
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  await store.forgetExpiredCaptures();
  await store.openCapture(id, JSON.stringify(definition), definition.count, CAPTURE_TTL_MS);
  let printed = 0;
  let lost = false;
  const started = Date.now();
  try {
    await announce(store, id, run, () => interrupted);
    let after = "0";
    let keptAt = Date.now();
    while (!interrupted && printed < definition.count && Date.now() - started < run.timeoutMs) {
      const entries = await store.nextCaptureRecords(id, after, Math.max(1, Math.min(READ_BLOCK_MS, run.timeoutMs - (Date.now() - started))));
      for (const entry of entries) {
        after = entry.id;
        if (printed >= definition.count) break;
        const record = parseCaptureRecord(entry.record);
        // Not written by a worker: not one of the N.
        if (record === undefined) continue;
        process.stdout.write(`${run.json ? JSON.stringify(captureRecordJson(record)) : captureRecordLine(record)}\n`);
        printed++;
      }
      if (Date.now() - keptAt >= CAPTURE_KEEP_MS) {
        keptAt = Date.now();
        if (!(await store.keepCapture(id, CAPTURE_TTL_MS))) {
          lost = true;
          break;
        }
      }
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    await store.withdrawCapture(id);
  }
  const what = `${definition.node} of ${graph}`;
  const records = `${printed} record${printed === 1 ? "" : "s"}`;
  if (lost) {
    process.stderr.write(`stepgraph: the capture point of ${what} is gone from Redis (expired, or removed by someone else) after ${records}\n`);
    return Exit.failed;
  }
  if (printed >= definition.count) return Exit.ok;
  const nothing = definition.where === undefined ? `nothing was recorded: ${what} did not run` : `nothing was recorded: no call of ${what} matched --where`;
  if (interrupted) process.stderr.write(printed === 0 ? `withdrew the capture point: ${nothing}\n` : `withdrew the capture point (${records})\n`);
  else process.stderr.write(printed === 0 ? `${nothing} in ${Math.round(run.timeoutMs / 1000)} s\n` : `${records} of ${definition.count} in ${Math.round(run.timeoutMs / 1000)} s\n`);
  return Exit.ok;
}

/**
 * Says on stderr once every live worker of the node's loop has the capture point (calls they
 * start after that are recorded), or, after ACK_WAIT_MS, how many of them have it.
 */
async function announce(store: QueueStore, id: string, run: CaptureRun, interrupted: () => boolean): Promise<void> {
  const what = `${run.definition.node} of ${run.graph}`;
  const deadline = Date.now() + ACK_WAIT_MS;
  for (;;) {
    const live = run.loop === undefined ? [] : await store.liveWorkers(run.loop);
    const acked = new Set((await store.captureWorkers(id)) ?? []);
    const having = live.filter((worker) => acked.has(worker)).length;
    const workers = (n: number) => `${n} worker${n === 1 ? "" : "s"}`;
    if (having === live.length && (live.length > 0 || run.loop === undefined)) {
      process.stderr.write(`capturing ${what} on ${workers(having)}\n`);
      return;
    }
    if (Date.now() >= deadline || interrupted()) {
      process.stderr.write(`capturing ${what} on ${having} of ${workers(live.length)} (the others have not answered: what they run is recorded once they do)\n`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
