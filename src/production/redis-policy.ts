// An evicting Redis drops keys under memory pressure, queued jobs and workers' leases among
// them: production mode refuses any maxmemory-policy but noeviction (at deploy and at
// worker start). Where the policy cannot be read at all, it warns and goes on.
import type { QueueStore } from "../store/queue-store";

export class EvictingRedisError extends Error {}

/** Throws EvictingRedisError for an evicting policy; resolves to a warning when the policy cannot be read. */
export async function checkMaxmemoryPolicy(store: QueueStore): Promise<string | undefined> {
  const policy = await store.maxmemoryPolicy();
  if (policy === undefined) return "could not read Redis's maxmemory-policy (CONFIG and INFO are refused): make sure it is noeviction, or Redis may evict jobs under memory pressure";
  if (policy === "noeviction") return undefined;
  throw new EvictingRedisError(`Redis's maxmemory-policy is ${policy}: under memory pressure it would evict queued jobs and workers' leases; set it to noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf)`);
}
