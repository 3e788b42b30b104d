// The newest cached output of a node, for hover. The cache is read only when the client
// gave a Redis URL (initializationOptions.redisUrl or STEPGRAPH_REDIS_URL): the server
// never searches for a Redis nor starts one. The connection opens on first use.
import { tmpdir } from "node:os";
import type { CacheEntry } from "../store/node-cache";
import { NodeCache } from "../store/node-cache";
import { openCacheStorage } from "../store/open-cache-storage";
import { withTimeout } from "../store/redis-connection";
import { redactRedisUrl } from "../store/redis-url";
import { previewEncodedValue } from "../store/encoded-value";

export interface CachedOutput {
  preview: string;
  entry: CacheEntry;
}

/** A hover waits this long for the cache at most; a slow Redis only loses the preview. */
const LOOKUP_TIMEOUT_MS = 1500;

export class CachePreviews {
  private cache?: Promise<NodeCache | undefined>;

  constructor(
    private readonly redisUrl: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  async latest(graph: string, node: string): Promise<CachedOutput | undefined> {
    if (this.redisUrl === undefined) return undefined;
    const cache = await this.open(this.redisUrl);
    if (cache === undefined) return undefined;
    const entry = await withTimeout(cache.latestEntry(graph, node), LOOKUP_TIMEOUT_MS).catch((error: unknown) => {
      this.log(`stepgraph: reading the cache for node '${node}' failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    return entry && { preview: previewEncodedValue(entry.value), entry };
  }

  async close(): Promise<void> {
    const cache = await this.cache;
    await cache?.storage.close();
  }

  /** One attempt per session: a URL that does not answer is reported once, then hover goes without previews. */
  private open(url: string): Promise<NodeCache | undefined> {
    this.cache ??= openCacheStorage({ choice: { kind: "url", url }, stateDir: tmpdir() }).then(
      (opened) => new NodeCache(opened.storage),
      (error: unknown) => {
        this.log(`stepgraph: no cache previews: cannot reach Redis at ${redactRedisUrl(url)} (${error instanceof Error ? error.message : String(error)})`);
        return undefined;
      },
    );
    return this.cache;
  }
}
