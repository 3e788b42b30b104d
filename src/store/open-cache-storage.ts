// Finds the cache's Redis in the order docs/development-mode.md ("Finding Redis") gives: a
// URL (setting, environment or option; any node of a Redis Cluster too) → a Redis answering
// on 127.0.0.1:6379 → a private redis-server we start → this process's memory, with a
// one-line notice.
import type { CacheStorage } from "./cache-storage";
import { MemoryStorage } from "./cache-storage";
import { startPrivateRedis } from "./private-redis";
import { openRedis, RedisUnavailableError } from "./redis-connection";
import { RedisStorage } from "./redis-storage";
import { DEFAULT_LOCAL_REDIS_URL, invalidRedisUrlReason, redactRedisUrl, sameRedisServer } from "./redis-url";

/** What the user asked for: a URL, or one step of the search order by name. */
export type RedisChoice = { kind: "url"; url: string } | { kind: "search" } | { kind: "private" } | { kind: "memory" };

export interface OpenedStorage {
  storage: CacheStorage;
  /** A one-line notice for the user when the cache is not where they would assume. */
  notice?: string;
}

export interface OpenOptions {
  choice: RedisChoice;
  /** The workspace's .stepgraph folder, where a private server keeps its data. */
  stateDir: string;
}

const MEMORY_NOTICE = "no Redis found (no URL given, none on 127.0.0.1:6379, no redis-server installed): caching in memory for this session only";

/** Reads `--redis VALUE`: a URL, `private`, `memory`, or `auto` for the search order. */
export function parseRedisChoice(value: string | undefined): RedisChoice {
  if (value === undefined || value === "" || value === "auto") return { kind: "search" };
  if (value === "private" || value === "memory") return { kind: value };
  const reason = invalidRedisUrlReason(value);
  if (reason) throw new RedisUnavailableError(reason);
  return { kind: "url", url: value };
}

/** Whether the cache `choice` may land on the Redis at `url` (the search order tries 127.0.0.1:6379 first). */
export function cacheMayUse(choice: RedisChoice, url: string): boolean {
  if (choice.kind === "url") return sameRedisServer(choice.url, url);
  return choice.kind === "search" && sameRedisServer(DEFAULT_LOCAL_REDIS_URL, url);
}

export async function openCacheStorage({ choice, stateDir }: OpenOptions): Promise<OpenedStorage> {
  switch (choice.kind) {
    case "memory":
      return { storage: new MemoryStorage() };
    case "url": {
      // A URL the user gave must answer: falling back silently would hide their mistake.
      const redis = await openRedis(choice.url, 3000);
      return { storage: new RedisStorage(redis, redactRedisUrl(choice.url)) };
    }
    case "search": {
      const local = await openRedis(DEFAULT_LOCAL_REDIS_URL, 300).catch(() => undefined);
      if (local) return { storage: new RedisStorage(local, DEFAULT_LOCAL_REDIS_URL) };
      return openPrivate(stateDir);
    }
    case "private":
      return openPrivate(stateDir);
  }
}

async function openPrivate(stateDir: string): Promise<OpenedStorage> {
  const server = await startPrivateRedis(stateDir);
  if (!server) return { storage: new MemoryStorage(), notice: MEMORY_NOTICE };
  return { storage: new RedisStorage(server.redis, `private redis-server at ${server.url}`, server.stop) };
}
