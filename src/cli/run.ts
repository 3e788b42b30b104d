// `stepgraph run FILE`: one job in development mode, a line per node as it finishes, then
// the outputs; `--json` prints `{ outputs, nodes: [{ name, status, durationMs, why? }] }` only.
// With `--replay ID`, the job is one production ran: its recorded values, the local code
// (replay-report.ts says what it reused, ran and how it ended).
import { inspect } from "node:util";
import { isJobId, JOB_ID_SHAPE } from "../production/job-partition";
import { readRecordedJob, replayCacheProblem, ReplayError } from "../production/recorded-job-reader";
import { GraphLoadError } from "../runtime/graph-loader";
import { JobInputError } from "../runtime/job-input";
import { openDevSession, type DevSession } from "../runtime/dev-session";
import { CACHE_MODES, type CacheMode } from "../runtime/orchestrator";
import { toJsonValue } from "../runtime/values";
import { parseRedisChoice, type RedisChoice } from "../store/open-cache-storage";
import { RedisUnavailableError } from "../store/redis-connection";
import { CACHE_OPTIONS, CACHE_OPTIONS_USAGE, stateDir } from "./cache-options";
import { Exit, UserError, type Command } from "./command";
import { JOB_INPUT_OPTIONS, readJobPayload } from "./job-input-options";
import { parseArguments } from "./parse-arguments";
import { productionRedisUrl } from "./production-options";
import { printReplayStart, printReplayEnd, replayJson } from "./replay-report";
import { RunReporter } from "./run-reporter";

export const runCommand: Command = {
  name: "run",
  summary: "run one job of a graph in development mode, with the cache; or replay a job production ran",
  usage: `Usage: stepgraph run FILE [--input JSON | --input-file F] [--cache use|refresh|off] [--json]
       stepgraph run FILE --replay ID [--redis-prod URL] [--input JSON | --input-file F] [--json]

  --input JSON                 the job's payload: an object with the graph's inputs
  --input-file F               the payload from a JSON file
  --cache use|refresh|off      use cached outputs (default), run everything and overwrite, or no cache
  --json                       print only { outputs, nodes: [{ name, status, durationMs, why? }] } (and replay: {...})
${CACHE_OPTIONS_USAGE}
  --replay ID                  replay job ID of the deployed graph: the values production recorded
                               for it (a dead job's up to the node that failed, a finished job's
                               result), the graph and code here; --input only fills inputs production
                               did not record; the cache is off unless --cache says otherwise
  --redis-prod URL             the production Redis to read the job from (only read: nothing is
                               written there); default STEPGRAPH_REDIS_URL, else redis://127.0.0.1:6379

Exit status: 0 when every node finished, 1 when a node failed, 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("run", args, {
      ...JOB_INPUT_OPTIONS,
      ...CACHE_OPTIONS,
      cache: { type: "string" },
      json: { type: "boolean", default: false },
      replay: { type: "string" },
      "redis-prod": { type: "string" },
    });
    if (positionals.length !== 1) throw new UserError("run: name one graph file (see 'stepgraph run --help')");
    const replay = values.replay === undefined ? undefined : replayOption(values.replay, values["redis-prod"]);
    if (replay === undefined && values["redis-prod"] !== undefined) throw new UserError("run: --redis-prod names the production Redis of a replay: give --replay ID too");
    // A replay runs the local code whole: the cache only when asked for.
    const cacheMode = (values.cache ?? (replay ? "off" : "use")) as CacheMode;
    if (!CACHE_MODES.includes(cacheMode)) throw new UserError(`run: --cache is use, refresh or off, not '${values.cache}'`);
    const cacheChoice = redisChoice(values.redis);
    const cacheProblem = replay && replayCacheProblem(cacheMode, cacheChoice, replay.url);
    if (cacheProblem) throw new UserError(`run: ${cacheProblem}`);
    // A replay's input only fills what production did not record: no input file is taken unless named.
    const payload = replay ? readJobPayload(values) : readJobPayload(values, positionals[0]);

    const session = await openSession(positionals[0], payload, cacheChoice, cacheMode, replay);
    const reporter = new RunReporter(session.orchestrator, { json: values.json });
    const stop = () => void session.close().then(() => process.exit(130));
    process.once("SIGINT", stop);
    try {
      if (session.notice) process.stderr.write(`stepgraph: ${session.notice}\n`);
      else if (!values.json && !session.replay) process.stdout.write(`cache: ${session.cacheDescription}\n`);
      if (session.replay && !values.json) printReplayStart(session.replay, session.orchestrator.graph.name);
      const finished = new Promise<{ outputs: Record<string, unknown>; failed: boolean }>((resolve) => session.orchestrator.once("finished", resolve));
      await session.orchestrator.continue();
      const { outputs, failed } = await finished;
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ outputs: toJsonValue(outputs), nodes: reporter.nodes(), ...(session.replay ? { replay: replayJson(session.replay, session.orchestrator) } : {}) })}\n`);
      } else {
        reporter.printFailures();
        process.stdout.write(`outputs:\n${Object.entries(outputs).map(([name, value]) => `  ${name}: ${inspect(value, { depth: 6, colors: process.stdout.isTTY, breakLength: 100 }).replace(/\n/g, "\n  ")}`).join("\n")}\n`);
        if (session.replay) printReplayEnd(session.replay, session.orchestrator);
      }
      return failed ? Exit.failed : Exit.ok;
    } finally {
      process.off("SIGINT", stop);
      reporter.dispose();
      await session.close();
    }
  },
};

interface ReplayOption {
  id: string;
  /** The production Redis. */
  url: string;
}

function replayOption(id: string, redisProd: string | undefined): ReplayOption {
  if (!isJobId(id)) throw new UserError(`--replay takes a job id (as \`stepgraph submit\` prints it: ${JOB_ID_SHAPE}), not '${id}'`);
  return { id, url: productionRedisUrl(redisProd) };
}

function redisChoice(redis: string | undefined): RedisChoice {
  try {
    return parseRedisChoice(redis ?? process.env.STEPGRAPH_REDIS_URL);
  } catch (e) {
    if (e instanceof RedisUnavailableError) throw new UserError(e.message);
    throw e;
  }
}

async function openSession(graphPath: string, payload: unknown, redis: RedisChoice, cacheMode: CacheMode, replay: ReplayOption | undefined): Promise<DevSession> {
  try {
    return await openDevSession({
      graphPath,
      payload,
      redis,
      stateDir: stateDir(),
      cacheMode,
      stopOnError: false,
      ...(replay ? { replay: { read: (graph: string) => readRecordedJob(replay.url, graph, replay.id) } } : {}),
    });
  } catch (e) {
    if (e instanceof GraphLoadError || e instanceof JobInputError || e instanceof RedisUnavailableError || e instanceof ReplayError) throw new UserError(e.message);
    throw e;
  }
}
