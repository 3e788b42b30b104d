// What every production command shares: the Redis URL (`--redis`, else
// STEPGRAPH_REDIS_URL, else redis://127.0.0.1:6379), the deploy key, and opening the
// graph's QueueManager with one clear line when Redis does not answer.
import { QueueManager } from "../production/queue-manager";
import { MIN_DEPLOY_KEY_LENGTH, storedDeployKey, VersionRefusedError } from "../production/signed-version";
import { RedisUnavailableError } from "../store/redis-connection";
import { DEFAULT_LOCAL_REDIS_URL, invalidRedisUrlReason } from "../store/redis-url";
import { QueueStore } from "../store/queue-store";
import { UserError } from "./command";

export const PRODUCTION_OPTIONS = {
  redis: { type: "string" },
} as const;

export const PRODUCTION_OPTIONS_USAGE = `  --redis URL                  the production Redis: redis://[user:password@]HOST:PORT or rediss://...
                               (default: STEPGRAPH_REDIS_URL, else redis://127.0.0.1:6379)`;

export function productionRedisUrl(option: string | undefined): string {
  const url = option ?? (process.env.STEPGRAPH_REDIS_URL || DEFAULT_LOCAL_REDIS_URL);
  if (url === "private" || url === "memory" || url === "auto") {
    throw new UserError(`production mode needs a Redis URL that every worker can reach (redis:// or rediss://), not '${url}'`);
  }
  const reason = invalidRedisUrlReason(url);
  if (reason) throw new UserError(reason);
  return url;
}

/**
 * STEPGRAPH_DEPLOY_KEY, which signs versions (deploy) and verifies them (worker), without
 * surrounding whitespace (as the extension stores it). Once read it is taken out of the
 * environment, so that node code (and the processes and threads it starts) cannot read it.
 */
export function deployKey(): string {
  const key = storedDeployKey(process.env.STEPGRAPH_DEPLOY_KEY ?? "");
  delete process.env.STEPGRAPH_DEPLOY_KEY;
  if (key === "") throw new UserError("set STEPGRAPH_DEPLOY_KEY to the deploy key (the secret that signs deployed versions; the same on every worker)");
  if (key.length < MIN_DEPLOY_KEY_LENGTH) throw new UserError(`STEPGRAPH_DEPLOY_KEY is too short: use at least ${MIN_DEPLOY_KEY_LENGTH} characters`);
  return key;
}

export interface ProductionConnection {
  store: QueueStore;
  manager: QueueManager;
  close(): void;
}

/**
 * Connects to the production Redis for `graph`. Commands wait through a lost connection
 * (the store reconnects and resends) rather than fail.
 */
export async function openProduction(graph: string, url: string): Promise<ProductionConnection> {
  const store = await unavailableAsUserError(QueueStore.open(url, graph));
  return { store, manager: new QueueManager(store), close: () => store.close() };
}

/** `opening`, with a Redis that does not answer (RedisUnavailableError) turned into one line for the user. */
export async function unavailableAsUserError<T>(opening: Promise<T>): Promise<T> {
  try {
    return await opening;
  } catch (e) {
    if (e instanceof RedisUnavailableError) throw new UserError(e.message);
    throw e;
  }
}

/** `work`, with a refused version or active-version pointer (VersionRefusedError) turned into one line for the user. */
export async function refusalsAsUserErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof VersionRefusedError) throw new UserError(e.message);
    throw e;
  }
}

/** A graph name as `graph NAME` declares it; anything else cannot name a graph in Redis. */
export function checkGraphName(name: string | undefined, command: string): string {
  if (name === undefined) throw new UserError(`${command}: name the graph (see 'stepgraph ${command} --help')`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(`${command}: '${name}' is not a graph name (the NAME of a 'graph NAME' statement)`);
  return name;
}

/** A positive integer option, or one clear error. */
export function positiveInteger(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UserError(`--${option} must be a whole number of 1 or more, not '${value}'`);
  return number;
}

/** A positive number of seconds, in milliseconds, or one clear error. */
export function secondsOption(value: string | undefined, option: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UserError(`--${option} is a number of seconds greater than 0, not '${value}'`);
  return seconds * 1000;
}
