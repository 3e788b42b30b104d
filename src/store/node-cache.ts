// NodeCache: node outputs kept in Redis (or memory), keyed by graph, node, and a
// fingerprint of the node's code, input values and options. An entry that cannot be read
// (corrupt, or of another format) is reported as such, and the caller treats it as a miss. The value stays encoded here: the store never decodes it, so
// nothing read from the cache can run code (the runtime decodes it as data).
import { createHash } from "node:crypto";
import type { CacheStorage } from "./cache-storage";
import { graphCachePrefix, nodeCacheKey, nodeCachePrefix } from "./keys";
import { LastRuns } from "./last-runs";
import { parseJsonRecord } from "./json-record";

/** Bumped when the entry format changes; entries of another format are misses. */
const ENTRY_FORMAT = 1;

export interface CacheEntry {
  /** The output, encoded by the runtime. */
  value: string;
  /** When the node ran (epoch ms). */
  createdAt: number;
  durationMs: number;
  codeHash: string;
  inputHash: string;
  /** Written by a user's edit in the debugger rather than by running the node. */
  edited: boolean;
}

export interface NodeFingerprint {
  graph: string;
  node: string;
  codeHash: string;
  inputHash: string;
  /** The node's options, canonical (they change what the node does: a timeout, retries). */
  optionsText: string;
}

/** A read: a hit, a miss, or an entry that is there but cannot be read (which counts as a miss). */
export type CacheLookup = { kind: "hit"; entry: CacheEntry } | { kind: "miss" } | { kind: "unreadable" };

export class NodeCache {
  /** What each node's last cached output's key was made of, for saying why a node ran. */
  readonly lastRuns: LastRuns;

  constructor(readonly storage: CacheStorage) {
    this.lastRuns = new LastRuns(storage);
  }

  key(fingerprint: NodeFingerprint): string {
    const hash = createHash("sha256").update(`${fingerprint.codeHash}\n${fingerprint.inputHash}\n${fingerprint.optionsText}`).digest("hex").slice(0, 40);
    return nodeCacheKey(fingerprint.graph, fingerprint.node, hash);
  }

  async get(key: string): Promise<CacheLookup> {
    const text = await this.storage.get(key);
    if (text === undefined) return { kind: "miss" };
    const entry = parseEntry(text);
    return entry === undefined ? { kind: "unreadable" } : { kind: "hit", entry };
  }

  async set(key: string, entry: CacheEntry, ttlMs: number | undefined): Promise<void> {
    await this.storage.set(key, JSON.stringify({ format: ENTRY_FORMAT, ...entry }), ttlMs);
  }

  /**
   * The newest readable entry of `node` in `graph`, whatever its fingerprint: what the
   * language server previews on hover. Unreadable entries are skipped.
   */
  async latestEntry(graph: string, node: string): Promise<CacheEntry | undefined> {
    let latest: CacheEntry | undefined;
    for (const key of await this.storage.keysWithPrefix(nodeCachePrefix(graph, node))) {
      const lookup = await this.get(key);
      if (lookup.kind === "hit" && (latest === undefined || lookup.entry.createdAt > latest.createdAt)) latest = lookup.entry;
    }
    return latest;
  }

  /**
   * The nodes of `graph` with at least one entry, from one scan that reads no values (the
   * language server's CodeLens shows these; the entries, which may be large, are read for
   * the lenses on screen only, with latestEntry). An unreadable entry counts here.
   */
  async nodesWithEntries(graph: string): Promise<Set<string>> {
    const prefix = graphCachePrefix(graph);
    const nodes = new Set<string>();
    // A key is PREFIX NODE ":" FINGERPRINT, and node names hold no ':'.
    for (const key of await this.storage.keysWithPrefix(prefix)) nodes.add(key.slice(prefix.length, key.indexOf(":", prefix.length)));
    return nodes;
  }

  /** Removes every cached output of `graph` (and the records of their keys); resolves to how many outputs. */
  async clearGraph(graph: string): Promise<number> {
    const [count] = await Promise.all([this.storage.deleteByPrefix(graphCachePrefix(graph)), this.lastRuns.clearGraph(graph)]);
    return count;
  }
}

function parseEntry(text: string): CacheEntry | undefined {
  const e = parseJsonRecord(text);
  if (e === undefined) return undefined;
  const valid =
    e.format === ENTRY_FORMAT &&
    typeof e.value === "string" &&
    typeof e.createdAt === "number" &&
    typeof e.durationMs === "number" &&
    typeof e.codeHash === "string" &&
    typeof e.inputHash === "string" &&
    typeof e.edited === "boolean";
  if (!valid) return undefined;
  return { value: e.value as string, createdAt: e.createdAt as number, durationMs: e.durationMs as number, codeHash: e.codeHash as string, inputHash: e.inputHash as string, edited: e.edited as boolean };
}
