// The launch configuration of a `stepgraph` debug session, and its check: every attribute the
// adapter reads is checked before anything starts, and a bad one is refused with a message
// naming it and what it takes. Attributes the adapter does not read (VS Code adds `type`,
// `name`, `noDebug`, `__sessionId`, ...) are left alone.
import type { DebugProtocol } from "@vscode/debugprotocol";
import { statSync } from "node:fs";
import { isJobId, JOB_ID_SHAPE } from "../src/production/job-partition";
import { CACHE_MODES, type CacheMode } from "../src/runtime/orchestrator";
import { MAX_POOL_SIZE } from "../src/runtime/process-pool";
import { parseRedisChoice } from "../src/store/open-cache-storage";
import { invalidRedisUrlReason } from "../src/store/redis-url";

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Path of the .graph file. */
  graph: string;
  /** The job's payload. */
  input?: Record<string, unknown>;
  /** A JSON file holding the payload. */
  inputFile?: string;
  /** Stop before the first node (default true). */
  stopOnEntry?: boolean;
  cache?: CacheMode;
  /** Overrides the setting and STEPGRAPH_REDIS_URL; also `private` or `memory`. */
  redisUrl?: string;
  /** The workspace folder, whose .stepgraph/ holds bundles and a private Redis's data (default: the graph's folder). */
  cwd?: string;
  /** Default TTL of cached outputs in milliseconds. */
  defaultTtlMs?: number;
  /** Node host processes (default: the CPU count, at most MAX_POOL_SIZE). */
  poolSize?: number;
  /** Run node hosts with the inspector and debug their code in child sessions (default true). */
  debugNodeCode?: boolean;
  /** The token of a `stepgraph dap --server` adapter (checked by the server, see server-token.ts). */
  token?: string;
  /**
   * Replay a job production ran (docs/debugging.md, "Replaying a production job"): its id,
   * and the production Redis to read it from (default STEPGRAPH_REDIS_URL, else
   * redis://127.0.0.1:6379; the extension fills in the `stepgraph.redis.url` setting).
   */
  replay?: { job: string | number; redisUrl?: string };
}

/** A launch attribute that is not what it must be; the message says which and why. */
export class LaunchArgumentError extends Error {}

/** The launch configuration, checked: throws LaunchArgumentError on the first bad attribute. */
export function checkLaunchArguments(raw: unknown): LaunchArguments {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new LaunchArgumentError("the launch configuration must be an object");
  const args = raw as Record<string, unknown>;
  const bad = (name: string, takes: string): never => {
    throw new LaunchArgumentError(`the launch attribute '${name}' must be ${takes}, not ${shown(args[name])}`);
  };
  const given = (name: string): boolean => args[name] !== undefined;

  if (typeof args.graph !== "string" || args.graph === "") {
    if (!given("graph")) throw new LaunchArgumentError("the launch configuration names no graph file: the launch attribute 'graph' must be the path of a .graph file");
    bad("graph", "the path of a .graph file");
  }
  if (given("input") && (args.input === null || typeof args.input !== "object" || Array.isArray(args.input))) bad("input", "a JSON object whose properties are the graph's inputs");
  if (given("inputFile") && (typeof args.inputFile !== "string" || args.inputFile === "")) bad("inputFile", "the path of a JSON file");
  if (given("input") && given("inputFile")) throw new LaunchArgumentError("the launch configuration has both 'input' and 'inputFile': give 'input' or 'inputFile', not both");
  if (given("stopOnEntry") && typeof args.stopOnEntry !== "boolean") bad("stopOnEntry", "true or false");
  if (given("cache") && !CACHE_MODES.includes(args.cache as never)) bad("cache", CACHE_MODES.map((m) => `"${m}"`).join(", ").replace(/, ([^,]*)$/, " or $1"));
  if (given("redisUrl")) {
    const takes = 'a redis:// or rediss:// URL, "private" or "memory"';
    if (typeof args.redisUrl !== "string") bad("redisUrl", takes);
    try {
      parseRedisChoice(args.redisUrl as string);
    } catch (e) {
      throw new LaunchArgumentError(`the launch attribute 'redisUrl' must be ${takes}: ${(e as Error).message}`);
    }
  }
  if (given("cwd")) {
    if (typeof args.cwd !== "string" || args.cwd === "") bad("cwd", "the path of a folder");
    if (!isFolder(args.cwd as string)) throw new LaunchArgumentError(`the launch attribute 'cwd' names ${args.cwd as string}, which is not a folder`);
  }
  if (given("defaultTtlMs") && !(Number.isSafeInteger(args.defaultTtlMs) && (args.defaultTtlMs as number) >= 1)) bad("defaultTtlMs", "a whole number of milliseconds, at least 1");
  if (given("poolSize") && !(Number.isInteger(args.poolSize) && (args.poolSize as number) >= 1 && (args.poolSize as number) <= MAX_POOL_SIZE)) {
    bad("poolSize", `a whole number from 1 to ${MAX_POOL_SIZE}`);
  }
  if (given("debugNodeCode") && typeof args.debugNodeCode !== "boolean") bad("debugNodeCode", "true or false");
  if (given("token") && typeof args.token !== "string") bad("token", "a string");
  if (given("replay")) checkReplay(args.replay);
  return args as unknown as LaunchArguments;
}

/** `replay`: an object with a job id and, optionally, the production Redis's URL. */
function checkReplay(replay: unknown): void {
  if (replay === null || typeof replay !== "object" || Array.isArray(replay) || (replay as { job?: unknown }).job === undefined) {
    throw new LaunchArgumentError(`the launch attribute 'replay' must be an object { "job": ID, "redisUrl"?: URL }, not ${shown(replay)}`);
  }
  const { job, redisUrl } = replay as { job: unknown; redisUrl?: unknown };
  if (!((typeof job === "string" && isJobId(job)) || (Number.isSafeInteger(job) && (job as number) >= 0))) {
    throw new LaunchArgumentError(`the launch attribute 'replay.job' must be a job id (${JOB_ID_SHAPE}), not ${shown(job)}`);
  }
  if (redisUrl !== undefined && (typeof redisUrl !== "string" || invalidRedisUrlReason(redisUrl) !== undefined)) {
    throw new LaunchArgumentError(`the launch attribute 'replay.redisUrl' must be a redis:// or rediss:// URL (the production Redis), not ${shown(redisUrl)}`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, or not readable
  }
}

/** A value as the user wrote it in launch.json, kept short. */
function shown(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
