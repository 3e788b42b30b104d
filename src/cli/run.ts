// `stepgraph run FILE`: one job in development mode, a line per node as it finishes, then
// the outputs; `--json` prints `{ outputs, nodes: [{ name, status, durationMs, why? }] }` only.
import { inspect } from "node:util";
import { GraphLoadError } from "../runtime/graph-loader";
import { JobInputError } from "../runtime/job-input";
import { openDevSession, type DevSession } from "../runtime/dev-session";
import { CACHE_MODES, type CacheMode } from "../runtime/orchestrator";
import { toJsonValue } from "../runtime/values";
import { parseRedisChoice } from "../store/open-cache-storage";
import { RedisUnavailableError } from "../store/redis-connection";
import { CACHE_OPTIONS, CACHE_OPTIONS_USAGE, stateDir } from "./cache-options";
import { Exit, UserError, type Command } from "./command";
import { JOB_INPUT_OPTIONS, readJobPayload } from "./job-input-options";
import { parseArguments } from "./parse-arguments";
import { RunReporter } from "./run-reporter";


export const runCommand: Command = {
  name: "run",
  summary: "run one job of a graph in development mode, with the cache",
  usage: `Usage: stepgraph run FILE [--input JSON | --input-file F] [--cache use|refresh|off] [--json]

  --input JSON                 the job's payload: an object with the graph's inputs
  --input-file F               the payload from a JSON file
  --cache use|refresh|off      use cached outputs (default), run everything and overwrite, or no cache
  --json                       print only { outputs, nodes: [{ name, status, durationMs, why? }] }
${CACHE_OPTIONS_USAGE}

Exit status: 0 when every node finished, 1 when a node failed, 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("run", args, {
      ...JOB_INPUT_OPTIONS,
      ...CACHE_OPTIONS,
      cache: { type: "string", default: "use" },
      json: { type: "boolean", default: false },
    });
    if (positionals.length !== 1) throw new UserError("run: name one graph file (see 'stepgraph run --help')");
    const cacheMode = values.cache as CacheMode;
    if (!CACHE_MODES.includes(cacheMode)) throw new UserError(`run: --cache is use, refresh or off, not '${values.cache}'`);
    const payload = readJobPayload(values, positionals[0]);

    const session = await openSession(positionals[0], payload, values.redis, cacheMode);
    const reporter = new RunReporter(session.orchestrator, { json: values.json });
    const stop = () => void session.close().then(() => process.exit(130));
    process.once("SIGINT", stop);
    try {
      if (session.notice) process.stderr.write(`stepgraph: ${session.notice}\n`);
      else if (!values.json) process.stdout.write(`cache: ${session.cacheDescription}\n`);
      const finished = new Promise<{ outputs: Record<string, unknown>; failed: boolean }>((resolve) => session.orchestrator.once("finished", resolve));
      await session.orchestrator.continue();
      const { outputs, failed } = await finished;
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ outputs: toJsonValue(outputs), nodes: reporter.nodes() })}\n`);
      } else {
        reporter.printFailures();
        process.stdout.write(`outputs:\n${Object.entries(outputs).map(([name, value]) => `  ${name}: ${inspect(value, { depth: 6, colors: process.stdout.isTTY, breakLength: 100 }).replace(/\n/g, "\n  ")}`).join("\n")}\n`);
      }
      return failed ? Exit.failed : Exit.ok;
    } finally {
      process.off("SIGINT", stop);
      reporter.dispose();
      await session.close();
    }
  },
};

async function openSession(graphPath: string, payload: unknown, redis: string | undefined, cacheMode: CacheMode): Promise<DevSession> {
  try {
    return await openDevSession({
      graphPath,
      payload,
      redis: parseRedisChoice(redis ?? process.env.STEPGRAPH_REDIS_URL),
      stateDir: stateDir(),
      cacheMode,
      stopOnError: false,
    });
  } catch (e) {
    if (e instanceof GraphLoadError || e instanceof JobInputError || e instanceof RedisUnavailableError) throw new UserError(e.message);
    throw e;
  }
}
