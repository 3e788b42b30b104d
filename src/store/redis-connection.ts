// Opening ioredis connections that fail fast with one clear message when nobody answers.
// A URL may name any node of a Redis Cluster: openRedis sees that the server runs in
// cluster mode and answers with a cluster client seeded with that node instead.
import Redis, { Cluster, type RedisOptions } from "ioredis";
import { redactRedisUrl } from "./redis-url";

export class RedisUnavailableError extends Error {}

/** A connection to a Redis: one server, or a Redis Cluster (the client routes each command to the node serving its keys). */
export type RedisClient = Redis | Cluster;

/**
 * Redirections (MOVED, ASK, TRYAGAIN, CLUSTERDOWN, a lost node) a cluster command follows
 * before it fails: at 100 ms a TRYAGAIN, about 6 s, which a slot's migration outlasts
 * only with a great many keys. A command that fails is retried by production anyway.
 */
const MAX_CLUSTER_REDIRECTIONS = 64;

/**
 * Connects to `url` as connectRedis does; when the server runs in cluster mode, answers with
 * a cluster client seeded with it, once the cluster says it is ready. Throws
 * RedisUnavailableError when the server does not answer, or its cluster is not formed or
 * not working.
 */
export async function openRedis(url: string, timeoutMs: number, options: RedisOptions = {}, probe?: Probe): Promise<RedisClient> {
  const redis = await connectRedis(url, timeoutMs, options, probe);
  const clusterInfo = await readClusterInfo(redis);
  if (clusterInfo === undefined) return redis;
  redis.disconnect();
  const state = /^cluster_state:(\S+)/m.exec(clusterInfo)?.[1];
  if (state !== "ok") {
    const assigned = /^cluster_slots_assigned:(\d+)/m.exec(clusterInfo)?.[1] ?? "0";
    throw new RedisUnavailableError(`Redis at ${redactRedisUrl(url)} runs in cluster mode, but its cluster is not working (cluster_state:${state ?? "unknown"}, ${assigned} of 16384 slots assigned): form it (redis-cli --cluster create) or bring its nodes back`);
  }
  return connectCluster(url, redis.options, timeoutMs, options);
}

/** Another connection with the options of `client`: for a blocking wait or a subscription, which hold theirs. */
export function duplicateConnection(client: RedisClient): RedisClient {
  return client instanceof Cluster ? client.duplicate([], { lazyConnect: false, enableAutoPipelining: false }) : client.duplicate({ lazyConnect: false, enableAutoPipelining: false });
}

/** The servers holding the data: the one server, or every primary of a cluster (for what each answers of its own: SCAN, CONFIG). */
export function primaryServers(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes("master") : [client];
}

/**
 * SCAN (not KEYS, which holds a large Redis up) for the keys matching `pattern`, on each
 * primary of a cluster; `each` gets every non-empty batch. A key may come back twice.
 */
export async function scanKeys(client: RedisClient, pattern: string, each: (keys: string[]) => Promise<void> | void): Promise<void> {
  for (const server of primaryServers(client)) {
    let cursor = "0";
    do {
      const [next, keys] = await server.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await each(keys);
    } while (cursor !== "0");
  }
}

/** CLUSTER INFO of a server in cluster mode; undefined for one that is not (or will not say: then it is used as one server). */
async function readClusterInfo(redis: Redis): Promise<string | undefined> {
  const info = await redis.info("cluster").catch(() => undefined);
  if (info !== undefined && !/^cluster_enabled:1/m.test(info)) return undefined;
  // INFO said cluster mode, or was refused (an ACL user may still run CLUSTER INFO).
  return (await redis.cluster("INFO").catch(() => undefined)) as string | undefined;
}

/** A cluster client seeded with the node of `seed` (its address, user, password and TLS as read from the URL). */
async function connectCluster(url: string, seed: RedisOptions, timeoutMs: number, options: RedisOptions): Promise<Cluster> {
  // Not auto-pipelined: ioredis follows a redirection of a lone command (MOVED, ASK, TRYAGAIN
  // while a slot migrates) but not of a pipeline that wrote, whose error would reach the caller.
  const { enableAutoPipelining: _pipelined, ...nodeOptions } = options;
  const cluster = new Cluster([{ host: seed.host, port: seed.port }], {
    lazyConnect: true,
    maxRedirections: MAX_CLUSTER_REDIRECTIONS,
    slotsRefreshTimeout: Math.min(timeoutMs, 2000),
    // While the first connection is made, do not retry: a cluster that does not answer is reported at once.
    clusterRetryStrategy: () => null,
    // Nodes announce their addresses: TLS certificates name hosts, so the addresses are used as announced.
    ...(seed.tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    redisOptions: { username: seed.username, password: seed.password, tls: seed.tls, connectTimeout: timeoutMs, disconnectTimeout: 100, ...nodeOptions },
  });
  let nodeError: unknown;
  cluster.on("node error", (e: unknown) => (nodeError ??= e));
  cluster.on("error", (e: unknown) => (nodeError ??= e));
  try {
    await withTimeout(cluster.connect(), timeoutMs);
  } catch (e) {
    cluster.disconnect();
    throw new RedisUnavailableError(`the Redis Cluster of ${redactRedisUrl(url)} does not answer (${describeConnectionError(nodeError ?? e)})`);
  }
  cluster.options.clusterRetryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);
  return cluster;
}

/** The first command, which shows that the server answers: PING, unless the user may not send it (a read-only ACL user). */
export type Probe = (redis: Redis) => Promise<unknown>;

/**
 * Connects to `url` and checks that it answers `probe` (PING) within `timeoutMs`. The
 * connection returned reconnects with backoff if it is lost later.
 */
export async function connectRedis(url: string, timeoutMs: number, options: RedisOptions = {}, probe: Probe = (redis) => redis.ping()): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 2,
    // While the first connection is made, do not retry: an unanswered URL is reported at once.
    retryStrategy: () => null,
    // ioredis arms this timer on disconnect and clears it only when the socket closes
    // afterwards; on a socket closed already, the default 2 s keeps the process alive.
    disconnectTimeout: 100,
    ...options,
  });
  // The socket's own error says more than the "Connection is closed" that connect() rejects with.
  let socketError: unknown;
  redis.on("error", (e: unknown) => (socketError ??= e));
  try {
    await withTimeout(redis.connect().then(() => probe(redis)), timeoutMs);
  } catch (e) {
    redis.disconnect();
    throw new RedisUnavailableError(`Redis at ${redactRedisUrl(url)} does not answer (${describeConnectionError(socketError ?? e)})`);
  }
  redis.options.retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);
  return redis;
}

function describeConnectionError(e: unknown): string {
  // ioredis wraps a node's error (lastNodeError) into its own.
  const error = ((e as { lastNodeError?: unknown }).lastNodeError ?? e) as NodeJS.ErrnoException;
  if (error.code === "ECONNREFUSED") return "connection refused";
  if (error.code === "ENOTFOUND") return "unknown host";
  return (error.message ?? String(e)).split("\n")[0];
}

/** `promise`, or a rejection after `ms` milliseconds without an answer. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
