// What the key of each node's last cached output was made of, kept beside the cache's
// entries, so that a later miss can say which part changed (the runtime compares:
// run-reason.ts). One record per place a node runs (the node, each element of a map node,
// a node of a subgraph per calling node), written with each entry; the hashes of a
// bundle's files once per bundle (records name the bundle), since many records share one.
// Development mode only: production writes none.
import type { CacheStorage } from "./cache-storage";
import { codeFilesKey, graphCacheRecordPrefixes, lastRunKey } from "./keys";
import { parseJsonRecord } from "./json-record";

/** Bumped when the record format changes; records of another format read as none. */
const RECORD_FORMAT = 1;

/**
 * How much longer than its entry a record lives (and a bundle's file hashes, from the
 * last session that wrote an entry with that bundle): long enough to tell an entry that
 * expired from one never written, short enough not to pile up records of places gone.
 */
export const RECORD_GRACE_MS = 30 * 24 * 3_600_000;

export interface LastRun {
  /** When the entry was written (epoch ms). */
  createdAt: number;
  /** When the entry's TTL ends; absent: never. */
  expiresAt?: number;
  /** The fingerprint's parts as the cache key has them. */
  codeHash: string;
  inputHash: string;
  optionsText: string;
  /** The hash of the bundle of the node's module (codeFiles has its files). */
  bundleHash: string;
  exportName: string;
  /** Each argument: the function's parameter it is passed as, and the hash of its value. */
  inputs: { name: string; hash: string }[];
  /** Each option the node had, by its name in the node's options: its canonical text. */
  options: Record<string, string>;
}

export class LastRuns {
  /** Bundles whose file hashes this process has written (once each is enough). */
  private readonly filesWritten = new Set<string>();

  constructor(private readonly storage: CacheStorage) {}

  async get(graph: string, place: string): Promise<LastRun | undefined> {
    const text = await this.storage.get(lastRunKey(graph, place));
    return text === undefined ? undefined : parseRecord(text);
  }

  /** Keeps the record of an entry just written with `ttlMs` (undefined: forever). */
  async set(graph: string, place: string, record: LastRun, files: Readonly<Record<string, string>>, ttlMs: number | undefined): Promise<void> {
    const keep = ttlMs === undefined ? undefined : ttlMs + RECORD_GRACE_MS;
    const writes = [this.storage.set(lastRunKey(graph, place), JSON.stringify({ format: RECORD_FORMAT, ...record }), keep)];
    const filesKey = codeFilesKey(graph, record.bundleHash);
    if (!this.filesWritten.has(filesKey)) {
      this.filesWritten.add(filesKey);
      writes.push(this.storage.set(filesKey, JSON.stringify(files), RECORD_GRACE_MS));
    }
    await Promise.all(writes);
  }

  /** The hash of each file of a bundle a record names; undefined when they are gone. */
  async codeFiles(graph: string, bundleHash: string): Promise<Record<string, string> | undefined> {
    const text = await this.storage.get(codeFilesKey(graph, bundleHash));
    if (text === undefined) return undefined;
    try {
      const files: unknown = JSON.parse(text);
      if (typeof files !== "object" || files === null || Object.values(files).some((hash) => typeof hash !== "string")) return undefined;
      return files as Record<string, string>;
    } catch {
      return undefined;
    }
  }

  async clearGraph(graph: string): Promise<void> {
    await Promise.all(graphCacheRecordPrefixes(graph).map((prefix) => this.storage.deleteByPrefix(prefix)));
    this.filesWritten.clear();
  }
}

function parseRecord(text: string): LastRun | undefined {
  const r = parseJsonRecord(text);
  if (r === undefined) return undefined;
  const strings = ["codeHash", "inputHash", "optionsText", "bundleHash", "exportName"].every((field) => typeof r[field] === "string");
  const inputs = Array.isArray(r.inputs) && r.inputs.every((i: unknown) => typeof i === "object" && i !== null && typeof (i as Record<string, unknown>).name === "string" && typeof (i as Record<string, unknown>).hash === "string");
  const options = typeof r.options === "object" && r.options !== null && Object.values(r.options).every((o) => typeof o === "string");
  const valid = r.format === RECORD_FORMAT && typeof r.createdAt === "number" && (r.expiresAt === undefined || typeof r.expiresAt === "number") && strings && inputs && options;
  if (!valid) return undefined;
  const { format: _format, ...record } = r;
  return record as unknown as LastRun;
}
