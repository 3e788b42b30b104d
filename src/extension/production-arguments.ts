// The command lines of the production subcommands (deploy, worker, submit, status, graphs,
// dead list/retry/drop, capture, captures) as the extension runs them, and which Redis they reach. Pure, so that every argument list is
// unit-tested without VS Code or a CLI that has the subcommands.
import { DEFAULT_LOCAL_REDIS_URL, invalidRedisUrlReason, redactRedisUrl } from "../store/redis-url";

/** The environment variable the CLI reads the deploy key from (deploy and worker only). */
export const DEPLOY_KEY_ENV = "STEPGRAPH_DEPLOY_KEY";

/** The environment variable the CLI falls back to when no `--redis` is given. */
export const REDIS_URL_ENV = "STEPGRAPH_REDIS_URL";

export interface ProductionRedis {
  /** `["--redis", URL]`, or nothing: the CLI then uses STEPGRAPH_REDIS_URL, else the local default. */
  args: string[];
  /** Where the queues are, without a password, for confirmations and messages. */
  label: string;
}

/**
 * Production needs a real Redis: `stepgraph.redis.url` is passed on only when it is a
 * redis:// or rediss:// URL. `private` and `memory` are development-only caches, and an
 * invalid URL would only fail later, so both fall back to what the CLI would pick itself
 * (`envRedisUrl`, the extension host's STEPGRAPH_REDIS_URL, which the child inherits).
 */
export function productionRedis(setting: string, envRedisUrl: string | undefined): ProductionRedis {
  const url = setting.trim();
  if (url !== "" && invalidRedisUrlReason(url) === undefined) return { args: ["--redis", url], label: redactRedisUrl(url) };
  const fallback = envRedisUrl?.trim() ? redactRedisUrl(envRedisUrl.trim()) : DEFAULT_LOCAL_REDIS_URL;
  return { args: [], label: fallback };
}

export function deployArguments(graphFile: string, redis: ProductionRedis): string[] {
  return ["deploy", graphFile, ...redis.args, "--json"];
}

export function workerArguments(graph: string, loop: string, redis: ProductionRedis): string[] {
  return ["worker", "--graph", graph, "--loop", loop, ...redis.args];
}

/** How a submitted job gets its payload: a JSON file (next to the graph) or JSON text typed in. */
export type JobInput = { file: string } | { json: string };

/** One job, waited for up to `timeoutSeconds` (a job waits for a worker), its outcome as one JSON line. */
export function submitArguments(graph: string, input: JobInput, timeoutSeconds: number, redis: ProductionRedis): string[] {
  const inputArgs = "file" in input ? ["--input-file", input.file] : ["--input", input.json];
  return ["submit", graph, ...inputArgs, "--wait", "--timeout", String(timeoutSeconds), "--json", ...redis.args];
}

export function statusArguments(graph: string, redis: ProductionRedis, options: { json: boolean }): string[] {
  return ["status", graph, ...(options.json ? ["--json"] : []), ...redis.args];
}

/** A dead job back on the loop it died in, on the active version. */
export function deadRetryArguments(graph: string, jobId: string, redis: ProductionRedis): string[] {
  return ["dead", graph, "retry", jobId, ...redis.args];
}

/** A dead job forgotten (it stays counted as dead). */
export function deadDropArguments(graph: string, jobId: string, redis: ProductionRedis): string[] {
  return ["dead", graph, "drop", jobId, ...redis.args];
}

/** The dead-letter records of a graph, as JSON. */
export function deadListArguments(graph: string, redis: ProductionRedis): string[] {
  return ["dead", graph, "list", "--json", ...redis.args];
}

/** The graphs deployed to the Redis, as JSON. */
export function graphsArguments(redis: ProductionRedis): string[] {
  return ["graphs", "--json", ...redis.args];
}

/** The records the production view shows under each capture point. */
export const VIEW_CAPTURE_RECORDS = 20;

/** The capture points set on a graph, with their latest records, as JSON. */
export function capturesArguments(graph: string, redis: ProductionRedis): string[] {
  return ["captures", graph, "--json", "--records", String(VIEW_CAPTURE_RECORDS), ...redis.args];
}

/** A capture point on a node of the active version, its records as JSON lines, until `count` calls are recorded (or SIGINT). */
export function captureArguments(graph: string, node: string, options: { count: number; where?: string }, redis: ProductionRedis): string[] {
  return ["capture", graph, node, "--count", String(options.count), ...(options.where === undefined ? [] : ["--where", options.where]), "--json", ...redis.args];
}

/** The command line as the output channel shows it: the Redis URL may hold a password. */
export function displayedCommand(args: readonly string[]): string {
  const shown = args.map((arg, i) => (args[i - 1] === "--redis" ? redactRedisUrl(arg) : arg));
  return ["stepgraph", ...shown].join(" ");
}
