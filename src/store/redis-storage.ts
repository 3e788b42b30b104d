// CacheStorage on a Redis connection (one server, or a cluster).
import { Cluster } from "ioredis";
import type { CacheStorage } from "./cache-storage";
import { scanKeys, type RedisClient } from "./redis-connection";

export class RedisStorage implements CacheStorage {
  constructor(
    private readonly redis: RedisClient,
    readonly description: string,
    /** Closes the connection; a private server's stops the server too. */
    private readonly closeConnection: () => Promise<void> = () => redis.quit().then(() => undefined, () => redis.disconnect()),
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(key, value);
    else await this.redis.set(key, value, "PX", Math.max(1, Math.round(ttlMs)));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    // UNLINK frees memory off the main thread.
    let deleted = 0;
    await this.scanPrefix(prefix, async (keys) => {
      // A cluster takes a command's keys only from one slot: there, one key a command.
      const unlinked = this.redis instanceof Cluster ? await Promise.all(keys.map((key) => this.redis.unlink(key))) : [await this.redis.unlink(...keys)];
      deleted += unlinked.reduce((sum, n) => sum + n, 0);
    });
    return deleted;
  }

  async keysWithPrefix(prefix: string): Promise<string[]> {
    // A key can come back twice from one SCAN; the Set drops the repeat.
    const found = new Set<string>();
    await this.scanPrefix(prefix, async (keys) => {
      for (const key of keys) found.add(key);
    });
    return [...found];
  }

  private scanPrefix(prefix: string, each: (keys: string[]) => Promise<void>): Promise<void> {
    return scanKeys(this.redis, `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, each);
  }

  close(): Promise<void> {
    return this.closeConnection();
  }
}
