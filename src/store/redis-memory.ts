// What production mode needs to know of Redis's memory: its eviction policy, and whether
// a reply says that Redis is out of memory (maxmemory reached under noeviction).
import type Redis from "ioredis";
import { primaryServers, type RedisClient } from "./redis-connection";

/**
 * Redis's maxmemory-policy, from CONFIG GET, else from INFO memory (where CONFIG is renamed,
 * disabled or not granted to the user, as on many hosted Redis); undefined when neither
 * answers. Of a cluster: an evicting policy of any primary, else undefined if one will not
 * tell, else noeviction.
 */
export async function readMaxmemoryPolicy(client: RedisClient): Promise<string | undefined> {
  const policies = await Promise.all(primaryServers(client).map(serverPolicy));
  return policies.find((policy) => policy !== undefined && policy !== "noeviction") ?? (policies.includes(undefined) ? undefined : policies[0]);
}

async function serverPolicy(redis: Redis): Promise<string | undefined> {
  const config = (await redis.config("GET", "maxmemory-policy").catch(() => undefined)) as string[] | undefined;
  if (typeof config?.[1] === "string" && config[1] !== "") return config[1];
  const info = await redis.info("memory").catch(() => undefined);
  return info === undefined ? undefined : /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

/** Whether a command failed because Redis is out of memory (its "OOM command not allowed" error). */
export function isOutOfMemoryError(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith("OOM ");
}
