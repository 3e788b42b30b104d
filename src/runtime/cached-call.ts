// One call of a node as the NodeCache sees it, in both modes: its key (the graph, the node,
// its code, its argument values, its options), the read of a cached output (decoded as
// data), and the write of a new one with its time to live.
import type { CachePolicy, NodeOptions } from "../graph/options";
import type { CacheEntry, NodeCache } from "../store/node-cache";
import { decodeValue, hashValue } from "./values";

interface CachedNodeIdentity {
  graph: string;
  node: string;
  /** The node's code: its module and everything it imports, and the export it calls. */
  codeHash: string;
  options: NodeOptions;
}

export type CachedOutput =
  | { kind: "hit"; value: unknown; entry: CacheEntry }
  | { kind: "miss" }
  /** An entry is there but cannot be used (corrupt, another format, a bad value): the node runs again. */
  | { kind: "unreadable" };

export class CachedCall {
  readonly key: string;
  private readonly inputHash: string;

  constructor(
    private readonly cache: NodeCache,
    private readonly identity: CachedNodeIdentity,
    args: readonly unknown[],
    /** Undefined: forever. */
    private readonly ttlMs: number | undefined,
  ) {
    this.inputHash = hashValue(args);
    this.key = cache.key({ graph: identity.graph, node: identity.node, codeHash: identity.codeHash, inputHash: this.inputHash, optionsText: JSON.stringify(identity.options) });
  }

  async read(): Promise<CachedOutput> {
    const lookup = await this.cache.get(this.key);
    if (lookup.kind !== "hit") return lookup;
    try {
      return { kind: "hit", value: decodeValue(lookup.entry.value), entry: lookup.entry };
    } catch {
      return { kind: "unreadable" };
    }
  }

  /** Keeps an output; `edited` marks one a user typed in the debugger rather than one the node returned. */
  write(encoded: string, durationMs: number, edited = false): Promise<void> {
    const entry: CacheEntry = { value: encoded, createdAt: Date.now(), durationMs, codeHash: this.identity.codeHash, inputHash: this.inputHash, edited };
    return this.cache.set(this.key, entry, this.ttlMs);
  }
}

/** How long a node's cached output lives: its `cache:` duration, `forever` (undefined), else the mode's default. */
export function cacheTtlMs(policy: CachePolicy | undefined, defaultTtlMs: number | undefined): number | undefined {
  if (policy?.kind === "forever") return undefined;
  return policy?.kind === "ttl" ? policy.ms : defaultTtlMs;
}
