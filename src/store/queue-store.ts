// QueueStore: production mode's Redis operations for one graph, each one command or one
// script of queue-scripts.ts. It moves opaque job strings; what is in a job, and where it
// goes next, is the production room's business. It is production's one way in to Redis:
// it opens its connections (the main one, one for blocking waits, one per control
// subscription) from a URL, of one server or of a Redis Cluster, and no ioredis type
// leaves it. Every key of the graph carries its hash tag: on a cluster, the graph lives in
// one slot, and every script and pipeline here touches that slot alone. A partitioned graph
// has one store per partition (partitionStore), each touching its partition's slot alone
// (and the graph's own for versions), all on the connection of the one opened.
import type { CacheStorage } from "./cache-storage";
import { duplicateConnection, openRedis, RedisUnavailableError, scanKeys, withTimeout, type RedisClient } from "./redis-connection";
import { readMaxmemoryPolicy } from "./redis-memory";
import { RedisStorage } from "./redis-storage";
import { redactRedisUrl } from "./redis-url";
import { ACTIVE_POINTER_PATTERN, graphOfActivePointer, queueKeys, type QueueKeys } from "./queue-keys";
import { LIVE_LEASE, QUEUE_SCRIPTS, type QueueScriptName } from "./queue-scripts";

/** Where a finished job goes from a loop (see the commit script). */
export type CommitTarget =
  | { kind: "push"; loop: string; payload: string }
  | { kind: "join"; loop: string; payload: string; part: string; expectedParts: number }
  | { kind: "result"; payload: string; part: string; expectedParts: number; batch?: string };

/** A job a loop finished: as it is in the processing list, and where it goes. */
export interface FinishedJob {
  text: string;
  id: string;
  /** The version the job runs on. */
  version: number;
  latencyMs: number;
  targets: readonly CommitTarget[];
}

/**
 * A worker's free slots, which its commits fill (one script call commits its finished jobs
 * and takes its next ones): asked as a commit is sent, told what it took.
 */
export interface CommitRefill {
  /** How many waiting jobs a commit of `committing` jobs is to take (0: none). */
  want(committing: number): number;
  /**
   * The jobs the commit took (in the worker's processing list now), of `wanted`; none when
   * the commit failed. `refused`: Redis refused the take (out of memory), not the commit.
   */
  took(jobs: string[], wanted: number, refused?: Error): void;
}

export interface StoredVersion {
  manifest: string;
  artifact: string;
  signature: string;
}

export interface LoopCounts {
  waiting: number;
  delayed: number;
  inFlight: number;
  done: number;
  failed: number;
  dead: number;
  workers: number;
  /** Jobs finished in the last complete 10 s and this one. */
  recentDone: number;
  recentLatencyMs: number;
  recentSeconds: number;
}

export interface GraphTotals {
  submitted: number;
  completed: number;
  dead: number;
}

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

/** The main connection's state, as production reports it: lost (commands wait), or back. */
export type ConnectionChange = "lost" | "back";

/**
 * The reads of one job that a replay makes (QueueStore.openForReading): its dead-letter
 * records and its result hash. Nothing here writes, and no script runs: a Redis user that
 * may only read (ACL +@read) serves it.
 */
export interface JobRecordReader {
  /** Job `jobId`'s dead-letter records (JSON text, undefined when it has none) and result hash (empty when it has none), in its partition. */
  jobRecords(partition: number, jobId: string): Promise<{ dead: string | undefined; result: Record<string, string> }>;
  close(): void;
}

/** The graphs deployed on one Redis (QueueStore.openDeployments), and a store of each on its one connection. */
export interface Deployments {
  /** The graphs with an active-version pointer, sorted by name: found by SCAN, on every primary of a cluster. */
  graphs(): Promise<string[]>;
  /** The store of `graph` on this connection; close() closes it too. */
  store(graph: string): QueueStore;
  close(): void;
}

/** A capture point as it stands (QueueStore.capturePoint). */
export interface CapturePointState {
  /** The calls it records in all. */
  count: number;
  recorded: number;
  /** How long until it expires, unless its command renews it; null when it does not expire. */
  expiresInMs: number | null;
  /** Its latest records as the workers wrote them (JSON text), oldest first. */
  records: string[];
}

export interface OpenQueueStoreOptions {
  /** How long the first connection may take before the URL counts as not answering. */
  connectTimeoutMs?: number;
}

/** How a commit settles: with no error, whether the job was committed (false: it was no longer the worker's); else the error that failed it. */
export type CommitSettled = (error: unknown, committed: boolean) => void;

/** A commit (a call of QueueStore.commit given `settled`) as a promise of whether it was committed. */
export function whenCommitted(commit: (settled: CommitSettled) => void): Promise<boolean> {
  return new Promise((resolve, reject) => commit((error, done) => (error === undefined ? resolve(done) : reject(error))));
}

/** Finished jobs of one worker waiting for their commit script call. */
interface CommitBatch {
  loop: string;
  worker: string;
  ttlSeconds: number;
  refill: CommitRefill | undefined;
  jobs: FinishedJob[];
  waiters: CommitSettled[];
}

/** Jobs per commit script call at most: enough to amortise the call, short enough not to hold Redis up. */
const MAX_COMMIT_BATCH = 100;

/**
 * How long a connection may go without a byte from Redis while a command waits for its
 * reply before it counts as lost: it is closed and made again, and its commands are sent
 * again (ioredis's socketTimeout). Across a network, a pulled cable or a partition closes
 * no socket: without this, a worker would not know it lost Redis, and would go on only
 * when TCP retransmits, which after a long outage takes minutes. Longer than any blocking
 * wait of production (1 s) and than any of its scripts takes.
 */
const SOCKET_TIMEOUT_MS = 5000;

/**
 * The main connection's options. No auto-pipelining: the store batches what is worth
 * batching (commits: one script call for the jobs a worker finished in one turn), and
 * ioredis's pipeline made for every turn's writes cost a worker about 10 % of its time per
 * job; commands sent in one turn are still all in flight at once.
 */
const STORE_CONNECTION_OPTIONS = { maxRetriesPerRequest: null, enableAutoPipelining: false, socketTimeout: SOCKET_TIMEOUT_MS };

export class QueueStore {
  readonly keys: QueueKeys;
  /** The store of each partition but 0 opened so far (on the store of partition 0, which `open` gives). */
  private readonly partitionStores = new Map<number, QueueStore>();
  /** The connection BLMOVE and BRPOP hold while they wait; opened at the first wait (each partition's store has its own). */
  private blocking: RedisClient | undefined;
  private blockingClosed = false;
  private readonly subscribers = new Set<RedisClient>();
  /** The commit batch being gathered, by worker, then loop (no key string built per job). */
  private readonly commitBatches = new Map<string, Map<string, CommitBatch>>();
  /** Per loop, its registered workers as the last reap saw them: the next reap checks these. */
  private readonly registeredWorkers = new Map<string, string[]>();

  /**
   * Connects to the Redis at `url` (one server, or any node of a cluster) for `graph`; throws
   * RedisUnavailableError (one line for the user) when it does not answer, or when the node
   * serving the graph does not. Once connected, commands wait through a lost connection
   * (ioredis reconnects and resends them) rather than fail; a connection that does not
   * answer for SOCKET_TIMEOUT_MS counts as lost.
   */
  static async open(url: string, graph: string, options: OpenQueueStoreOptions = {}): Promise<QueueStore> {
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    const redis = await openRedis(url, timeoutMs, STORE_CONNECTION_OPTIONS);
    const store = new QueueStore(redis, graph, 0);
    try {
      // On a cluster, the first command of the graph's slot: its node may be the one that is down.
      await withTimeout(redis.exists(store.keys.totals), timeoutMs);
    } catch (e) {
      store.close();
      throw new RedisUnavailableError(`the Redis serving graph '${graph}' at ${redactRedisUrl(url)} does not answer (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
    }
    return store;
  }

  /**
   * Connects to the Redis at `url` (one server, or any node of a cluster) as open does, for
   * the graphs deployed there. Throws RedisUnavailableError when it does not answer.
   */
  static async openDeployments(url: string, options: OpenQueueStoreOptions = {}): Promise<Deployments> {
    const redis = await openRedis(url, options.connectTimeoutMs ?? 5000, STORE_CONNECTION_OPTIONS);
    const stores: QueueStore[] = [];
    return {
      async graphs() {
        const graphs = new Set<string>();
        await scanKeys(redis, ACTIVE_POINTER_PATTERN, (keys) => {
          for (const graph of keys.map(graphOfActivePointer)) if (graph !== undefined) graphs.add(graph);
        });
        return [...graphs].sort();
      },
      store(graph) {
        const store = new QueueStore(redis, graph, 0);
        stores.push(store);
        return store;
      },
      close() {
        for (const store of stores) store.close();
        redis.disconnect();
      },
    };
  }

  /**
   * Connects to the Redis at `url` to read what production recorded of jobs of `graph`, as
   * open does, with reads only: the connection's first command reads the graph's totals (no
   * PING, no ready check's INFO, no client info), and the reader runs no script. Throws
   * RedisUnavailableError when the server does not answer, or refuses even that read.
   */
  static async openForReading(url: string, graph: string, options: OpenQueueStoreOptions = {}): Promise<JobRecordReader> {
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    const totals = queueKeys(graph, 0).totals;
    const redis = await openRedis(url, timeoutMs, { enableReadyCheck: false, disableClientInfo: true }, (connection) => connection.exists(totals));
    const store = new QueueStore(redis, graph, 0);
    return {
      async jobRecords(partition, jobId) {
        const partitionStore = store.partitionStore(partition);
        const [dead, [result]] = await Promise.all([partitionStore.deadRecord(jobId), partitionStore.results([jobId])]);
        return { dead, result };
      },
      close: () => store.close(),
    };
  }

  private constructor(
    private readonly redis: RedisClient,
    readonly graph: string,
    readonly partition: number,
    /** The store of partition 0, which owns the connections; undefined on that one. */
    private readonly first?: QueueStore,
  ) {
    this.keys = queueKeys(graph, partition);
    for (const [name, script] of Object.entries(QUEUE_SCRIPTS)) {
      // ioredis sends EVALSHA and falls back to EVAL once per connection when Redis lost the script.
      if (!(`stepgraph_${name}` in redis)) redis.defineCommand(`stepgraph_${name}`, { lua: script.lua, numberOfKeys: "variadicKeys" in script ? undefined : script.keys });
    }
  }

  /**
   * The store of one partition of the graph: its keys, its own blocking connection, the main
   * connection shared. Partition 0 is the store `open` gave.
   */
  partitionStore(partition: number): QueueStore {
    if (this.first) return this.first.partitionStore(partition);
    if (partition === 0) return this;
    let store = this.partitionStores.get(partition);
    if (store === undefined) {
      store = new QueueStore(this.redis, this.graph, partition, this);
      // Opened after the blocking connections were closed for good: its own is closed too.
      store.blockingClosed = this.blockingClosed;
      this.partitionStores.set(partition, store);
    }
    return store;
  }

  /** The stores of partitions 0 to `count` - 1. */
  partitionStoresUpTo(count: number): QueueStore[] {
    return Array.from({ length: count }, (_, p) => this.partitionStore(p));
  }

  private script(name: QueueScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const call = (this.redis as unknown as Record<string, ScriptCall>)[`stepgraph_${name}`].bind(this.redis);
    return "variadicKeys" in QUEUE_SCRIPTS[name] ? call(keys.length, ...keys, ...args) : call(...keys, ...args);
  }

  // ---- connections ----

  /** Tells `listener` when the main connection is lost (commands wait meanwhile) and when it is back. */
  onConnectionChange(listener: (change: ConnectionChange) => void): void {
    this.redis.on("close", () => listener("lost"));
    this.redis.on("ready", () => listener("back"));
  }

  /**
   * Calls `listener` with each control message to the graph's workers (a new active
   * version, a capture point set or withdrawn); resolves, once subscribed, to a function that ends the subscription.
   */
  async onControl(listener: (message: string) => void): Promise<() => void> {
    const subscriber = this.extraConnection();
    this.subscribers.add(subscriber);
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.keys.control) listener(message);
    });
    await subscriber.subscribe(this.keys.control);
    return () => {
      this.subscribers.delete(subscriber);
      subscriber.disconnect();
    };
  }

  /** Ends the blocking connection (of every partition, on partition 0's store) for good: a wait in progress fails at once, and so does any later one. */
  closeBlocking(): void {
    this.blockingClosed = true;
    this.blocking?.disconnect();
    for (const store of this.partitionStores.values()) store.closeBlocking();
  }

  /** The node cache on this store's connection (closing it leaves the connection open). */
  cacheStorage(description: string): CacheStorage {
    return new RedisStorage(this.redis, description, async () => undefined);
  }

  /** Closes every connection of the store (of every partition's store too: they share them). */
  close(): void {
    if (this.first) return this.first.close();
    this.closeBlocking();
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers.clear();
    this.redis.disconnect();
  }

  private blockingConnection(): RedisClient {
    if (this.blockingClosed) throw new Error("the store's blocking connection is closed");
    return (this.blocking ??= this.extraConnection());
  }

  /** A connection of its own (a blocking wait or a subscription holds it), with the main one's options. */
  private extraConnection(): RedisClient {
    const connection = duplicateConnection(this.redis);
    // Its outages are the main connection's, which are reported once (onConnectionChange).
    connection.on("error", () => undefined);
    return connection;
  }

  /** Redis's maxmemory-policy, or undefined when neither CONFIG nor INFO will tell. */
  maxmemoryPolicy(): Promise<string | undefined> {
    return readMaxmemoryPolicy(this.redis);
  }

  // ---- versions ----

  /**
   * Stores a version of `partitions` partitions under the next number and makes it active
   * with the pointer that `makePointer` signs; then removes the versions older than the last
   * `kept` that no unfinished job uses (dead jobs do not count), in any partition. Resolves
   * to the number.
   */
  async storeVersion(makeVersion: (version: number) => StoredVersion, makePointer: (version: number, sequence: number) => string, kept: number, partitions = 1): Promise<number> {
    const version = await this.redis.incr(this.keys.versionSeq);
    const sequence = await this.redis.incr(this.keys.activeSeq);
    const stored = makeVersion(version);
    const pointer = makePointer(version, sequence);
    // The partition count is recorded before the pointer is seen: a worker starting on the new version serves them all.
    await this.redis
      .multi()
      .hset(this.keys.version(version), { ...stored })
      .zadd(this.keys.versions, version, String(version))
      .sadd(this.keys.partitions, String(partitions))
      .set(this.keys.active, pointer)
      .exec();
    await this.redis.publish(this.keys.control, JSON.stringify({ type: "activate", version, pointer }));
    const old = await this.redis.zrangebyscore(this.keys.versions, "-inf", version - kept);
    // A version's live count only falls once newer ones are active (jobs are submitted and
    // retried on the active version), so one still live in another partition is kept, and the
    // script checks partition 0's, which shares the versions' slot, as it drops the rest.
    const liveElsewhere = new Set<string>();
    for (const store of this.partitionStoresUpTo(await this.partitionCount()).slice(1)) {
      if (old.length === 0) break;
      const counts = await this.redis.hmget(store.keys.totals, ...old.map((v) => `live:${v}`));
      counts.forEach((count, i) => Number(count ?? 0) > 0 && liveElsewhere.add(old[i]));
    }
    const droppable = old.filter((v) => !liveElsewhere.has(v));
    if (droppable.length > 0) await this.script("dropVersions", [this.keys.totals, this.keys.versions, ...droppable.map((v) => this.keys.version(Number(v)))], droppable);
    return version;
  }

  /** How many partitions the graph's queues span: the most of any version deployed (1 for a graph deployed before partitions). */
  async partitionCount(): Promise<number> {
    const counts = await this.redis.smembers(this.keys.partitions);
    return Math.max(1, ...counts.map(Number).filter(Number.isInteger));
  }

  /** The active-version pointer as stored (signed: the production room reads it). */
  async activePointer(): Promise<string | undefined> {
    return (await this.redis.get(this.keys.active)) ?? undefined;
  }

  async readVersion(version: number): Promise<StoredVersion | undefined> {
    const fields = await this.redis.hgetall(this.keys.version(version));
    if (typeof fields.manifest !== "string" || typeof fields.artifact !== "string" || typeof fields.signature !== "string") return undefined;
    return { manifest: fields.manifest, artifact: fields.artifact, signature: fields.signature };
  }

  // ---- jobs ----

  async nextJobIds(count: number): Promise<string[]> {
    const last = await this.redis.incrby(this.keys.jobSeq, count);
    return Array.from({ length: count }, (_, i) => String(last - count + 1 + i));
  }

  /** Enqueues jobs of `version`: `messagesByLoop` holds, per entry loop, one message per job, in the same job order. */
  async submit(version: number, messagesByLoop: ReadonlyMap<string, readonly string[]>): Promise<void> {
    const loops = [...messagesByLoop.keys()];
    const count = messagesByLoop.get(loops[0])?.length ?? 0;
    if (count === 0) return;
    await this.script(
      "submit",
      [this.keys.totals, ...loops.map((loop) => this.keys.waiting(loop))],
      [count, version, ...loops.flatMap((loop) => messagesByLoop.get(loop) ?? [])],
    );
  }

  /** Takes up to `count` waiting jobs into the worker's processing list without waiting. */
  async take(loop: string, worker: string, count: number): Promise<string[]> {
    return (await this.script("take", [this.keys.waiting(loop), this.keys.processing(loop, worker)], [count])) as string[];
  }

  /** Waits up to `timeoutSeconds` for one job and moves it into the worker's processing list. */
  async takeBlocking(loop: string, worker: string, timeoutSeconds: number): Promise<string | undefined> {
    const job = await this.blockingConnection().blmove(this.keys.waiting(loop), this.keys.processing(loop, worker), "RIGHT", "LEFT", timeoutSeconds);
    return job ?? undefined;
  }

  /**
   * Hands a finished job on (see the commit script) and removes it from the worker's
   * processing list, atomically; `settled` hears false when it was no longer this worker's
   * (returned to the queue meanwhile). Jobs finished in the same turn of the event loop are
   * committed by one script call, which also takes the worker's next jobs when `refill`
   * asks for them (the refill of the batch's first job is asked). A callback, not a promise:
   * a worker commits every job, and a promise per job costs it the stray-error hooks.
   */
  commit(loop: string, worker: string, job: FinishedJob, ttlSeconds: number, settled: CommitSettled, refill?: CommitRefill): void {
    let batches = this.commitBatches.get(worker);
    if (batches === undefined) {
      batches = new Map();
      this.commitBatches.set(worker, batches);
    }
    let batch = batches.get(loop);
    if (batch === undefined) {
      const started: CommitBatch = { loop, worker, ttlSeconds, refill, jobs: [], waiters: [] };
      batches.set(loop, started);
      setImmediate(() => this.flushCommits(started));
      batch = started;
    }
    batch.jobs.push(job);
    batch.waiters.push(settled);
    if (batch.jobs.length >= MAX_COMMIT_BATCH) this.flushCommits(batch);
  }

  private flushCommits(batch: CommitBatch): void {
    const batches = this.commitBatches.get(batch.worker);
    if (batches?.get(batch.loop) !== batch) return;
    batches.delete(batch.loop);
    const wanted = batch.refill?.want(batch.jobs.length) ?? 0;
    this.commitNow(batch.loop, batch.worker, batch.jobs, batch.ttlSeconds, wanted).then(
      ({ committed, taken, refused }) => {
        // The jobs taken are the worker's before the committed ones free their slots.
        batch.refill?.took(taken, wanted, refused);
        batch.waiters.forEach((settled, i) => settled(undefined, committed[i]));
      },
      (e: unknown) => {
        batch.refill?.took([], wanted);
        batch.waiters.forEach((settled) => settled(e, false));
      },
    );
  }

  /**
   * Commits finished jobs of one worker in one script call, taking up to `take` waiting jobs
   * into its processing list; resolves, per job, to whether it was committed, and to the jobs taken.
   */
  private async commitNow(loop: string, worker: string, jobs: readonly FinishedJob[], ttlSeconds: number, take: number): Promise<{ committed: boolean[]; taken: string[]; refused?: Error }> {
    const keys = [this.keys.processing(loop, worker), this.keys.totals, this.keys.loopStats(loop), this.keys.deaths(loop), this.keys.rate(loop), this.keys.waiting(loop)];
    // Each key once: a target names it by its place in KEYS (1-based, as Lua counts).
    const places = new Map<string, number>();
    const place = (key: string): number => {
      let at = places.get(key);
      if (at === undefined) {
        at = keys.push(key);
        places.set(key, at);
      }
      return at;
    };
    const args: (string | number)[] = [ttlSeconds, take, jobs.length];
    for (const job of jobs) {
      args.push(job.text, `${job.targets.length} ${job.version} ${Math.round(job.latencyMs)} ${job.id}`);
      for (const target of job.targets) {
        if (target.kind === "push") {
          args.push(`push ${place(this.keys.waiting(target.loop))}`, target.payload);
        } else if (target.kind === "join") {
          args.push(`join ${place(this.keys.join(target.loop, job.id))} ${place(this.keys.waiting(target.loop))} ${target.expectedParts} ${target.part}`, target.payload);
        } else {
          const result = place(this.keys.result(job.id));
          args.push(`result ${result} ${target.batch === undefined ? result : place(this.keys.notify(target.batch))} ${target.expectedParts} ${target.part}`, target.payload);
        }
      }
    }
    const [committed, taken, refusal] = (await this.script("commit", keys, args)) as [number[], string[], string];
    return { committed: committed.map((one) => one === 1), taken, ...(refusal === "" ? {} : { refused: new Error(refusal) }) };
  }

  /**
   * Moves a job from the worker's processing list into its gather hash and enqueues its
   * elements (see the spread script). False: the job was no longer this worker's.
   */
  async spread(loop: string, worker: string, job: { text: string; id: string; token: string }, gathered: { resume: string; entered: string; state: string; node: string }, elements: readonly string[]): Promise<boolean> {
    const keys = [this.keys.processing(loop, worker), this.keys.gather(loop, job.id, job.token), this.keys.waiting(loop), this.keys.deaths(loop)];
    return (await this.script("spread", keys, [job.text, gathered.resume, gathered.entered, gathered.state, gathered.node, ...elements])) === 1;
  }

  /** Adds a finished element's result to its job's gather hash; the last one pushes the job on. */
  async gather(loop: string, worker: string, element: { text: string; jobId: string; token: string; index: number }, result: string): Promise<boolean> {
    const keys = [this.keys.processing(loop, worker), this.keys.gather(loop, element.jobId, element.token), this.keys.waiting(loop), this.keys.deaths(loop)];
    return (await this.script("gather", keys, [element.text, element.index, result])) === 1;
  }

  /**
   * What a spread job keeps in its gather hash for a dead letter: the job as it entered the
   * loop, its state (JSON), and the job to resume (with what the loop computed before the
   * spreading); undefined when the hash is gone (the job went on, or died).
   */
  async gatheredJob(loop: string, jobId: string, token: string): Promise<{ entered: string; state: string; resume: string } | undefined> {
    const [entered, state, resume] = await this.redis.hmget(this.keys.gather(loop, jobId, token), "entered", "state", "job");
    return entered === null || state === null || resume === null ? undefined : { entered, state, resume };
  }

  /**
   * Sends the job of an element that failed its last attempt to the dead-letter list with
   * `record` (made from gatheredJob), unless its gather hash is gone: then the element only
   * leaves the processing list. See the buryElement script.
   */
  async buryElement(loop: string, worker: string, element: { text: string; jobId: string; token: string; version: number; batch?: string }, record: string, error: string, ttlSeconds: number): Promise<boolean> {
    const result = this.keys.result(element.jobId);
    const keys = [
      this.keys.processing(loop, worker),
      this.keys.totals,
      this.keys.loopStats(loop),
      this.keys.dead,
      result,
      element.batch === undefined ? result : this.keys.notify(element.batch),
      this.keys.deaths(loop),
      this.keys.gather(loop, element.jobId, element.token),
    ];
    return (await this.script("buryElement", keys, [element.text, element.jobId, record, error, ttlSeconds, element.version])) === 1;
  }

  async retry(loop: string, worker: string, job: string, retried: string, delayMs: number): Promise<boolean> {
    const keys = [this.keys.processing(loop, worker), this.keys.delayed(loop), this.keys.loopStats(loop), this.keys.waiting(loop), this.keys.deaths(loop)];
    return (await this.script("retry", keys, [job, retried, Math.round(delayMs)])) === 1;
  }

  async bury(loop: string, worker: string, job: { text: string; id: string; version: number; batch?: string }, record: string, error: string, ttlSeconds: number): Promise<boolean> {
    const result = this.keys.result(job.id);
    const keys = [this.keys.processing(loop, worker), this.keys.totals, this.keys.loopStats(loop), this.keys.dead, result, job.batch === undefined ? result : this.keys.notify(job.batch), this.keys.deaths(loop)];
    return (await this.script("bury", keys, [job.text, job.id, record, error, ttlSeconds, job.version])) === 1;
  }

  async promoteDue(loop: string, limit = 1000): Promise<number> {
    return (await this.script("promote", [this.keys.delayed(loop), this.keys.waiting(loop)], [limit])) as number;
  }

  /**
   * For `worker`: returns the jobs of the loop's other workers whose lease expired to the
   * waiting list. A job whose worker died more than `maxDeaths` times running it moves into
   * `worker`'s own processing list instead, for it to bury: those come back with their
   * deaths. The workers checked are those registered at the previous call of this store
   * (the script must be given their keys), so one registered since is checked at the next.
   */
  async reap(loop: string, worker: string, maxDeaths: number): Promise<{ returned: number; doomed: { text: string; deaths: number }[] }> {
    const others = (this.registeredWorkers.get(loop) ?? []).filter((other) => other !== worker);
    const keys = [this.keys.workers(loop), this.keys.waiting(loop), this.keys.deaths(loop), this.keys.processing(loop, worker), ...others.flatMap((other) => [this.keys.lease(loop, other), this.keys.processing(loop, other)])];
    const [returned, doomedFlat, registered] = (await this.script("reap", keys, [maxDeaths, ...others])) as [number, (string | number)[], string[]];
    this.registeredWorkers.set(loop, registered);
    const doomed: { text: string; deaths: number }[] = [];
    for (let i = 0; i < doomedFlat.length; i += 2) doomed.push({ text: String(doomedFlat[i]), deaths: Number(doomedFlat[i + 1]) });
    return { returned, doomed };
  }

  async renewLease(loop: string, worker: string, ttlMs: number): Promise<void> {
    await this.script("renewLease", [this.keys.lease(loop, worker), this.keys.workers(loop)], [worker, ttlMs]);
  }

  /**
   * Every job of the worker back to the waiting list; the worker is marked as left for
   * `leftMs`, during which the reaper returns whatever still reaches its list, then forgets it.
   */
  async release(loop: string, worker: string, leftMs: number): Promise<number> {
    const keys = [this.keys.processing(loop, worker), this.keys.waiting(loop), this.keys.lease(loop, worker)];
    return (await this.script("release", keys, [leftMs])) as number;
  }

  async returnJob(loop: string, worker: string, job: string): Promise<boolean> {
    return (await this.script("returnJob", [this.keys.processing(loop, worker), this.keys.waiting(loop)], [job])) === 1;
  }

  /** Removes a job from the worker's processing list for good (one that is not a job at all). */
  async discard(loop: string, worker: string, job: string): Promise<void> {
    await this.script("discard", [this.keys.processing(loop, worker), this.keys.deaths(loop)], [job]);
  }

  async processingJobs(loop: string, worker: string): Promise<string[]> {
    return this.redis.lrange(this.keys.processing(loop, worker), 0, -1);
  }

  // ---- capture points ----

  /**
   * Sets a capture point: its hash (recording `count` calls, expiring after `ttlMs`) and its
   * entry in the graph's list of them, then tells the workers (the control channel).
   */
  async openCapture(id: string, definition: string, count: number, ttlMs: number): Promise<void> {
    await this.redis.multi().hset(this.keys.capture(id), { count, recorded: 0 }).pexpire(this.keys.capture(id), ttlMs).hset(this.keys.captures, id, definition).exec();
    await this.redis.publish(this.keys.control, JSON.stringify({ type: "capture", id, definition }));
  }

  /** Removes a capture point, its records and its entry, and tells the workers. */
  async withdrawCapture(id: string): Promise<void> {
    await this.redis.multi().del(this.keys.capture(id), this.keys.captureRecords(id)).hdel(this.keys.captures, id).exec();
    await this.redis.publish(this.keys.control, JSON.stringify({ type: "withdraw-capture", id }));
  }

  /** Keeps a capture point (and its records) for another `ttlMs`; false when it is gone. */
  async keepCapture(id: string, ttlMs: number): Promise<boolean> {
    const [kept] = await Promise.all([this.redis.pexpire(this.keys.capture(id), ttlMs), this.redis.pexpire(this.keys.captureRecords(id), ttlMs)]);
    return kept === 1;
  }

  /** The capture points set (id → definition), expired ones included until forgetExpiredCaptures. */
  async captureDefinitions(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.captures);
  }

  /**
   * A capture point as it stands, with its last `lastRecords` records; undefined when it is
   * gone (withdrawn, or expired: its entry in captureDefinitions may outlive it). Reads only.
   */
  async capturePoint(id: string, lastRecords: number): Promise<CapturePointState | undefined> {
    const [[count, recorded], ttl, entries] = await Promise.all([
      this.redis.hmget(this.keys.capture(id), "count", "recorded"),
      this.redis.pttl(this.keys.capture(id)),
      lastRecords > 0 ? this.redis.xrevrange(this.keys.captureRecords(id), "+", "-", "COUNT", lastRecords) : [],
    ]);
    // PTTL -2: it expired between the two reads.
    if (count === null || ttl === -2) return undefined;
    return { count: Number(count), recorded: Number(recorded ?? 0), expiresInMs: ttl < 0 ? null : ttl, records: entries.reverse().map(([, fields]) => recordField(fields)) };
  }

  /** Drops the entries of capture points that expired (their command ended without withdrawing them). */
  async forgetExpiredCaptures(): Promise<void> {
    const ids = Object.keys(await this.captureDefinitions());
    const alive = await Promise.all(ids.map((id) => this.redis.exists(this.keys.capture(id))));
    const expired = ids.filter((_, i) => alive[i] === 0);
    if (expired.length > 0) await this.redis.hdel(this.keys.captures, ...expired);
  }

  /** Adds a record to a capture point's stream (see the recordCapture script): -1 gone, 0 full, else the records it has. */
  async recordCapture(id: string, record: string, maxLength: number): Promise<number> {
    return (await this.script("recordCapture", [this.keys.capture(id), this.keys.captureRecords(id)], [record, maxLength])) as number;
  }

  /** Marks that `worker` has the capture point; false when the point is gone. */
  async ackCapture(id: string, worker: string): Promise<boolean> {
    return (await this.script("ackCapture", [this.keys.capture(id)], [worker])) === 1;
  }

  /** The workers that said they have the capture point; undefined when it is gone. */
  async captureWorkers(id: string): Promise<string[] | undefined> {
    const fields = await this.redis.hkeys(this.keys.capture(id));
    if (fields.length === 0) return undefined;
    return fields.filter((field) => field.startsWith("w:")).map((field) => field.slice(2));
  }

  /** The live workers of a loop (registered, lease held). */
  async liveWorkers(loop: string): Promise<string[]> {
    const workers = await this.redis.smembers(this.keys.workers(loop));
    const leases = await Promise.all(workers.map((worker) => this.redis.get(this.keys.lease(loop, worker))));
    return workers.filter((_, i) => leases[i] === LIVE_LEASE);
  }

  /**
   * Waits up to `blockMs` for records of a capture point after stream id `after` ("0": from
   * the first); resolves to them (possibly none) with their stream ids.
   */
  async nextCaptureRecords(id: string, after: string, blockMs: number): Promise<{ id: string; record: string }[]> {
    const reply = (await this.blockingConnection().xread("BLOCK", blockMs, "STREAMS", this.keys.captureRecords(id), after)) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([entryId, fields]) => ({ id: entryId, record: recordField(fields) }));
  }

  // ---- results, dead letters, counts ----

  /** The result hash of each job (empty for one unknown or expired). */
  async results(jobIds: readonly string[]): Promise<Record<string, string>[]> {
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.hgetall(this.keys.result(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw error;
      return value as Record<string, string>;
    });
  }

  /** Waits up to `timeoutSeconds` for the next finished job of a batch. */
  async nextFinished(batch: string, timeoutSeconds: number): Promise<string | undefined> {
    const reply = await this.blockingConnection().brpop(this.keys.notify(batch), timeoutSeconds);
    return reply?.[1];
  }

  async deadRecords(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.dead);
  }

  async deadRecord(jobId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.dead, jobId)) ?? undefined;
  }

  /** Puts a dead job back on `version`: `messages` pairs each record's loop with the job to push. */
  async resurrect(jobId: string, recordsAsRead: string, version: number, messages: readonly { loop: string; job: string }[]): Promise<boolean> {
    const keys = [this.keys.dead, this.keys.totals, this.keys.result(jobId), ...messages.map((m) => this.keys.waiting(m.loop))];
    return (await this.script("resurrect", keys, [jobId, recordsAsRead, version, ...messages.map((m) => m.job)])) === 1;
  }

  /**
   * Removes a dead job's records (it stays counted as dead) and the parts waiting in its
   * joins (those of `joinLoops`); its result expires after `ttlSeconds`.
   */
  async dropDead(jobId: string, joinLoops: readonly string[], ttlSeconds: number): Promise<boolean> {
    const keys = [this.keys.dead, this.keys.result(jobId), ...joinLoops.map((loop) => this.keys.join(loop, jobId))];
    return (await this.script("drop", keys, [jobId, ttlSeconds])) === 1;
  }

  async totals(): Promise<GraphTotals> {
    const fields = await this.redis.hgetall(this.keys.totals);
    return { submitted: Number(fields.submitted ?? 0), completed: Number(fields.completed ?? 0), dead: Number(fields.dead ?? 0) };
  }

  async loopCounts(loop: string): Promise<LoopCounts> {
    const workers = await this.redis.smembers(this.keys.workers(loop));
    // One round trip: the commands go out together, none waiting for the reply of another.
    const [waiting, delayed, stats, rate, workerStates] = await Promise.all([
      this.redis.llen(this.keys.waiting(loop)),
      this.redis.zcard(this.keys.delayed(loop)),
      this.redis.hgetall(this.keys.loopStats(loop)),
      this.script("rate", [this.keys.rate(loop)], []) as Promise<[number, number, number, number, number]>,
      Promise.all(workers.map((worker) => Promise.all([this.redis.get(this.keys.lease(loop, worker)), this.redis.llen(this.keys.processing(loop, worker))]))),
    ]);
    const [previousDone, previousMs, currentDone, currentMs, msIntoBucket] = rate;
    return {
      waiting,
      delayed,
      inFlight: workerStates.reduce((sum, [, held]) => sum + held, 0),
      done: Number(stats.done ?? 0),
      failed: Number(stats.failed ?? 0),
      dead: Number(stats.dead ?? 0),
      workers: workerStates.filter(([lease]) => lease === LIVE_LEASE).length,
      recentDone: previousDone + currentDone,
      recentLatencyMs: previousMs + currentMs,
      recentSeconds: 10 + msIntoBucket / 1000,
    };
  }
}

/** The record a worker wrote into a capture stream entry (field `r`); "" for an entry without one. */
function recordField(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "r") return fields[i + 1];
  return "";
}
