// Opening ioredis connections that fail fast with one clear message when nobody answers.
import Redis, { type RedisOptions } from "ioredis";
import { redactRedisUrl } from "./redis-url";

export class RedisUnavailableError extends Error {}

/**
 * Connects to `url` and checks that it answers PING within `timeoutMs`. The connection
 * returned reconnects with backoff if it is lost later.
 */
export async function connectRedis(url: string, timeoutMs: number, options: RedisOptions = {}): Promise<Redis> {
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
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs);
  } catch (e) {
    redis.disconnect();
    throw new RedisUnavailableError(`Redis at ${redactRedisUrl(url)} does not answer (${describeConnectionError(socketError ?? e)})`);
  }
  redis.options.retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);
  return redis;
}

function describeConnectionError(e: unknown): string {
  const error = e as NodeJS.ErrnoException;
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
