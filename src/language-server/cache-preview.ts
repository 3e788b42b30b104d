// What the server reads of the cache: the newest cached output of a node, for hover, and
// which nodes have one, for CodeLens. The cache is read only when the client gave a Redis
// URL (initializationOptions.redisUrl or STEPGRAPH_REDIS_URL): the server never searches
// for a Redis nor starts one. The connection opens on first use.
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

/** A hover or CodeLens waits this long for the cache at most; a slow Redis only loses the preview or the lenses of nodes. */
const LOOKUP_TIMEOUT_MS = 1500;

export class CachePreviews {
  private cache?: Promise<NodeCache | undefined>;

  constructor(
    private readonly redisUrl: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** The newest entry of the node with a preview of its value, for hover. */
  async latest(graph: string, node: string): Promise<CachedOutput | undefined> {
    const entry = await this.latestEntry(graph, node);
    return entry && { preview: previewEncodedValue(entry.value), entry };
  }

  /** The newest entry of the node, its value left encoded. */
  latestEntry(graph: string, node: string): Promise<CacheEntry | undefined> {
    return this.read(`node '${node}'`, (cache) => cache.latestEntry(graph, node));
  }

  /** The nodes of `graph` with a cached output (their entries unread); undefined without a cache. */
  nodesWithEntries(graph: string): Promise<ReadonlySet<string> | undefined> {
    return this.read(`graph '${graph}'`, (cache) => cache.nodesWithEntries(graph));
  }

  /** One read of the cache, within LOOKUP_TIMEOUT_MS; a failure is logged and reads as undefined. */
  private async read<T>(what: string, lookup: (cache: NodeCache) => Promise<T>): Promise<T | undefined> {
    if (this.redisUrl === undefined) return undefined;
    const cache = await this.open(this.redisUrl);
    if (cache === undefined) return undefined;
    return withTimeout(lookup(cache), LOOKUP_TIMEOUT_MS).catch((error: unknown) => {
      this.log(`stepgraph: reading the cache for ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  }

  async close(): Promise<void> {
    const cache = await this.cache;
    await cache?.storage.close();
  }

  /** One attempt per session: a URL that does not answer is reported once, then hover and CodeLens go without the cache. */
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
