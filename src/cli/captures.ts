// `stepgraph captures NAME [--records N] [--json]`: the capture points set on a graph (each
// by a `stepgraph capture` still running, or killed and not expired yet), each with its
// definition and its latest records. Reads only: forgetting expired points is `capture`'s.
import { parseCaptureDefinition, parseCaptureRecord, type CaptureDefinition, type CaptureRecord } from "../production/capture-point";
import type { CapturePointState, QueueStore } from "../store/queue-store";
import { captureRecordJson, captureRecordLine } from "./capture-output";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { checkGraphName, openProduction, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl } from "./production-options";

const DEFAULT_RECORDS = 20;

interface CapturePoint {
  id: string;
  definition: CaptureDefinition;
  state: CapturePointState;
  records: CaptureRecord[];
}

export const capturesCommand: Command = {
  name: "captures",
  summary: "list the capture points set on a deployed graph, with their latest records",
  usage: `Usage: stepgraph captures NAME [--records N] [--json]

  --records N                  the latest N records of each point, newest last (default ${DEFAULT_RECORDS}; 0: none)
  --json                       print [{ id, node, count, recorded, where (when set), expiresInMs, records: [...] }, ...],
                               each record as 'stepgraph capture --json' prints it
${PRODUCTION_OPTIONS_USAGE}

A capture point is set by 'stepgraph capture'; one that expired or was withdrawn is not listed.
Exit status: 0 (also when none is set), 2 on bad input or when Redis does not answer.`,
  async run(args) {
    const { values, positionals } = parseArguments("captures", args, { ...PRODUCTION_OPTIONS, records: { type: "string" }, json: { type: "boolean", default: false } });
    if (positionals.length > 1) throw new UserError(`captures: name one graph, not ${positionals.length}`);
    const graph = checkGraphName(positionals[0], "captures");
    const records = recordsOption(values.records);
    const connection = await openProduction(graph, productionRedisUrl(values.redis));
    try {
      const points = await capturePoints(connection.store, records);
      if (values.json) process.stdout.write(`${JSON.stringify(points.map(pointJson))}\n`);
      else if (points.length === 0) process.stdout.write(`no capture point is set on ${graph}${(await connection.store.activePointer()) === undefined ? " (it is not deployed)" : ""}\n`);
      else for (const point of points) process.stdout.write([pointLine(point), ...point.records.map((r) => `  ${captureRecordLine(r)}`), ""].join("\n"));
      return Exit.ok;
    } finally {
      connection.close();
    }
  },
};

function recordsOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RECORDS;
  const records = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(records) || records < 0) throw new UserError(`captures: --records must be a whole number of 0 or more, not '${value}'`);
  return records;
}

/** The points set, by node then id; one whose hash is gone (expired, withdrawn), or that no command wrote, is left out. */
async function capturePoints(store: QueueStore, records: number): Promise<CapturePoint[]> {
  const read = await Promise.all(
    Object.entries(await store.captureDefinitions()).map(async ([id, text]): Promise<CapturePoint | undefined> => {
      const definition = parseCaptureDefinition(text);
      if (definition === undefined) return undefined;
      const state = await store.capturePoint(id, records);
      if (state === undefined) return undefined;
      const parsed = state.records.map(parseCaptureRecord).filter((r): r is CaptureRecord => r !== undefined);
      return { id, definition, state, records: parsed };
    }),
  );
  const points = read.filter((point): point is CapturePoint => point !== undefined);
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return points.sort((a, b) => byText(a.definition.node, b.definition.node) || byText(a.id, b.id));
}

function pointJson({ id, definition, state, records }: CapturePoint): Record<string, unknown> {
  const where = definition.where === undefined ? {} : { where: definition.where };
  return { id, node: definition.node, count: state.count, recorded: state.recorded, ...where, expiresInMs: state.expiresInMs, records: records.map(captureRecordJson) };
}

/** `capture point 3f2a9c on b: 3 of 10 recorded, where a > 4, expires in 590 s`. */
function pointLine({ id, definition, state }: CapturePoint): string {
  const where = definition.where === undefined ? "" : `, where ${definition.where}`;
  const expires = state.expiresInMs === null ? "" : `, expires in ${Math.ceil(state.expiresInMs / 1000)} s`;
  return `capture point ${id} on ${definition.node}: ${state.recorded} of ${state.count} recorded${where}${expires}`;
}
