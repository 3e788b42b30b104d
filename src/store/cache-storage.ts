// Where NodeCache keeps its entries: a Redis, or (when none can be had) this process's memory.

export interface CacheStorage {
  /** Where the entries live, for status lines: a URL without password, or "in-process". */
  readonly description: string;
  get(key: string): Promise<string | undefined>;
  /** Stores `value`; with `ttlMs` it expires after that long, without it never. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Removes every key that starts with `prefix`; resolves to how many. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Every key that starts with `prefix` (a scan: fine for one node's entries, not for a whole cache). */
  keysWithPrefix(prefix: string): Promise<string[]>;
  /** Releases the connection (and stops a private server this session started). */
  close(): Promise<void>;
}

/** The in-process fallback: entries live as long as this process. */
export class MemoryStorage implements CacheStorage {
  readonly description = "in-process memory";
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : Date.now() + ttlMs });
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let count = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix)) count += this.entries.delete(key) ? 1 : 0;
    }
    return count;
  }

  async keysWithPrefix(prefix: string): Promise<string[]> {
    const now = Date.now();
    return [...this.entries].filter(([key, entry]) => key.startsWith(prefix) && entry.expiresAt > now).map(([key]) => key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
