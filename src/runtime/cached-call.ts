// One call of a node as the NodeCache sees it, in both modes: its key (the graph, the node,
// its code, its argument values, its options), the read of a cached output (decoded as
// data), and the write of a new one with its time to live. In development mode a call also
// has a place (`explained`): then each write records what the key was made of, and a miss
// can say which part changed (run-reason.ts).
import type { CachePolicy, NodeOptions } from "../graph/options";
import type { CacheEntry, NodeCache } from "../store/node-cache";
import { explainMiss, type KeyParts } from "./run-reason";
import { decodeValue, hashValue } from "./values";

interface CachedNodeIdentity {
  graph: string;
  node: string;
  /** The node's code: its module and everything it imports, and the export it calls. */
  codeHash: string;
  options: NodeOptions;
}

/** What a call needs beyond its key to say why it missed. */
export interface ExplainedCall {
  /** Where the node runs, unique in its graph's cache: the node, `node[2]` for a map element, the calling path in front inside a subgraph. */
  place: string;
  /** The hash of the bundle of the node's module, and each of its files' (BuiltModule). */
  bundleHash: string;
  fileHashes: Readonly<Record<string, string>>;
  exportName: string;
  /** The function's parameter each argument is passed as. */
  parameterNames: readonly string[];
}

export type CachedOutput =
  | { kind: "hit"; value: unknown; entry: CacheEntry }
  | { kind: "miss" }
  /** An entry is there but cannot be used (corrupt, another format, a bad value): the node runs again. */
  | { kind: "unreadable" };

export class CachedCall {
  readonly key: string;
  private readonly inputHash: string;
  private readonly optionsText: string;

  constructor(
    private readonly cache: NodeCache,
    private readonly identity: CachedNodeIdentity,
    private readonly args: readonly unknown[],
    /** Undefined: forever. */
    private readonly ttlMs: number | undefined,
    private readonly explained?: ExplainedCall,
  ) {
    this.inputHash = hashValue(args);
    this.optionsText = JSON.stringify(identity.options);
    this.key = cache.key({ graph: identity.graph, node: identity.node, codeHash: identity.codeHash, inputHash: this.inputHash, optionsText: this.optionsText });
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

  /** Why a read found nothing to use; undefined for a call without a place. */
  whyMissed(lookup: "miss" | "unreadable"): Promise<string | undefined> {
    if (this.explained === undefined) return Promise.resolve(undefined);
    return explainMiss(this.cache.lastRuns, this.identity.graph, this.explained.place, this.keyParts(this.explained), lookup);
  }

  /** Keeps an output; `edited` marks one a user typed in the debugger rather than one the node returned. */
  write(encoded: string, durationMs: number, edited = false): Promise<void> {
    const entry: CacheEntry = { value: encoded, createdAt: Date.now(), durationMs, codeHash: this.identity.codeHash, inputHash: this.inputHash, edited };
    const explained = this.explained;
    // Not async: a production worker's write (no place) costs no extra turn of the microtask queue.
    if (explained === undefined) return this.cache.set(this.key, entry, this.ttlMs);
    const { files, ...parts } = this.keyParts(explained);
    const record = { ...parts, createdAt: entry.createdAt, ...(this.ttlMs === undefined ? {} : { expiresAt: entry.createdAt + this.ttlMs }) };
    return Promise.all([this.cache.set(this.key, entry, this.ttlMs), this.cache.lastRuns.set(this.identity.graph, explained.place, record, files, this.ttlMs)]).then(() => undefined);
  }

  private keyParts(explained: ExplainedCall): KeyParts {
    const options = Object.fromEntries(Object.entries(this.identity.options).flatMap(([name, value]) => (value === undefined ? [] : [[name, JSON.stringify(value)]])));
    return {
      codeHash: this.identity.codeHash,
      inputHash: this.inputHash,
      optionsText: this.optionsText,
      bundleHash: explained.bundleHash,
      exportName: explained.exportName,
      inputs: this.args.map((value, i) => ({ name: explained.parameterNames[i] ?? `argument ${i + 1}`, hash: hashValue(value) })),
      options,
      files: explained.fileHashes,
    };
  }
}

/** How long a node's cached output lives: its `cache:` duration, `forever` (undefined), else the mode's default. */
export function cacheTtlMs(policy: CachePolicy | undefined, defaultTtlMs: number | undefined): number | undefined {
  if (policy?.kind === "forever") return undefined;
  return policy?.kind === "ttl" ? policy.ms : defaultTtlMs;
}
