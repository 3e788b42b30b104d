// The options every command that reaches the cache shares: where Redis is, and where the
// workspace's .stepgraph folder is.
import { join } from "node:path";
import { parseRedisChoice, openCacheStorage, type OpenedStorage } from "../store/open-cache-storage";
import { RedisUnavailableError } from "../store/redis-connection";
import { UserError } from "./command";

export const CACHE_OPTIONS = {
  redis: { type: "string" },
} as const;

export const CACHE_OPTIONS_USAGE = `  --redis URL|private|memory   where the cache lives (default: STEPGRAPH_REDIS_URL, else a Redis
                               on 127.0.0.1:6379, else a private redis-server, else memory)`;

/** The workspace's .stepgraph folder: STEPGRAPH_STATE_DIR, else ./.stepgraph. */
export function stateDir(): string {
  return process.env.STEPGRAPH_STATE_DIR || join(process.cwd(), ".stepgraph");
}

export async function openCacheFromOptions(redis: string | undefined): Promise<OpenedStorage> {
  try {
    return await openCacheStorage({ choice: parseRedisChoice(redis ?? process.env.STEPGRAPH_REDIS_URL), stateDir: stateDir() });
  } catch (e) {
    if (e instanceof RedisUnavailableError) throw new UserError(e.message);
    throw e;
  }
}
