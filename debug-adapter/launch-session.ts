// From a checked launch configuration to an open dev session: the input (the configuration's,
// or the input file beside the graph), the cache's Redis, a replay's production Redis, the
// workspace's .stepgraph folder. Errors are phrased for the launch configuration.
import { basename, dirname, join } from "node:path";
import { readRecordedJob, replayCacheProblem } from "../src/production/recorded-job-reader";
import { defaultInputFile } from "../src/runtime/default-input";
import { openDevSession, type DevSession } from "../src/runtime/dev-session";
import { JobInputError, readJobInputFile } from "../src/runtime/job-input";
import { normalizePath } from "../src/runtime/node-breakpoints";
import { parseRedisChoice } from "../src/store/open-cache-storage";
import { DEFAULT_LOCAL_REDIS_URL, invalidRedisUrlReason } from "../src/store/redis-url";
import type { LaunchArguments } from "./launch-arguments";

export interface LaunchedSession {
  session: DevSession;
  /** Where the node hosts' bundles are (stateDir) and the workspace they belong to (cwd). */
  folders: { stateDir: string; cwd: string };
  /** Whether the node hosts run with the inspector, for child sessions of the JavaScript debugger. */
  debugNodeCode: boolean;
}

/** Opens the launch's job; `say` takes the console lines about what was chosen. Throws an Error whose message is for the user. */
export async function openLaunchedSession(args: LaunchArguments, say: (line: string) => void): Promise<LaunchedSession> {
  const graphPath = normalizePath(args.graph);
  // A replay's input only fills what production did not record: no input file is taken unless named.
  const inputFile = args.inputFile ?? (args.input === undefined && args.replay === undefined ? defaultInputFile(graphPath) : undefined);
  if (inputFile !== undefined && args.inputFile === undefined) say(`input: ${inputFile} (the launch configuration gives no 'input' or 'inputFile')`);
  const payload = inputFile !== undefined ? readInputFile(inputFile) : (args.input ?? {});
  const replay = args.replay && { job: String(args.replay.job), url: productionUrl(args.replay.redisUrl) };
  const redis = parseRedisChoice(args.redisUrl ?? process.env.STEPGRAPH_REDIS_URL);
  // A replay runs the local code whole: the cache only when the launch asks for it, and never in production's Redis.
  const cacheMode = args.cache ?? (replay ? "off" : "use");
  const cacheProblem = replay && replayCacheProblem(cacheMode, redis, replay.url);
  if (cacheProblem) throw new Error(cacheProblem);
  const debugNodeCode = args.debugNodeCode ?? true;
  const cwd = args.cwd ?? dirname(graphPath);
  const stateDir = join(cwd, ".stepgraph");
  const session = await openDevSession({
    graphPath,
    payload,
    redis,
    stateDir,
    cacheMode,
    defaultTtlMs: args.defaultTtlMs,
    poolSize: args.poolSize,
    inspect: debugNodeCode,
    ...(replay ? { replay: { read: (graph: string) => readRecordedJob(replay.url, graph, replay.job) } } : {}),
  }).catch((e: unknown) => {
    if (!(e instanceof JobInputError)) throw e;
    throw new Error(`${e.message}: give 'input' or 'inputFile' in the launch configuration, or put ${basename(graphPath).replace(/\.graph$/, "")}.input.json or input.json next to the graph`, { cause: e });
  });
  return { session, folders: { stateDir, cwd }, debugNodeCode };
}

/** The production Redis of a replay: the launch's, else STEPGRAPH_REDIS_URL, else the local default (as the CLI's production commands). */
function productionUrl(redisUrl: string | undefined): string {
  const url = redisUrl ?? (process.env.STEPGRAPH_REDIS_URL || DEFAULT_LOCAL_REDIS_URL);
  const reason = invalidRedisUrlReason(url);
  if (reason) throw new Error(`the production Redis of the replay (STEPGRAPH_REDIS_URL): ${reason}`);
  return url;
}

/** The launch configuration's input file, with its errors phrased for the launch configuration. */
function readInputFile(file: string): unknown {
  try {
    return readJobInputFile(file);
  } catch (e) {
    if (e instanceof JobInputError) throw new Error(`the input file ${e.message}`, { cause: e });
    throw e;
  }
}
