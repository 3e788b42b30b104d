// A redis-server of our own, started from PATH with its data under the workspace's
// .stepgraph/redis/ so that the cache outlives the session. It is stopped (saving its
// data) when the session ends; one left behind by a killed session is found and reused.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type Redis from "ioredis";
import { connectRedis } from "./redis-connection";

export interface PrivateRedis {
  url: string;
  redis: Redis;
  /** Saves the data and stops the server. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 5000;

/** Starts (or finds running) the private server; undefined when redis-server is not installed. */
export async function startPrivateRedis(stateDir: string): Promise<PrivateRedis | undefined> {
  const dir = join(stateDir, "redis");
  mkdirSync(dir, { recursive: true });
  const portFile = join(dir, "port");

  const leftOver = await reuseLeftOver(portFile, dir);
  if (leftOver) return leftOver;

  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", "cache.rdb", "--save", "60 1", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning", "--logfile", "redis.log"],
    { stdio: "ignore", detached: false },
  );
  const spawnError = new Promise<"missing">((resolve) => server.once("error", () => resolve("missing")));
  const url = `redis://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    const ready = await Promise.race([spawnError, connectRedis(url, 500).catch(() => undefined)]);
    if (ready === "missing") return undefined;
    if (ready) {
      writeFileSync(portFile, String(port));
      return { url, redis: ready, stop: () => shutdown(ready) };
    }
    if (server.exitCode !== null || Date.now() - started > STARTUP_TIMEOUT_MS) {
      server.kill("SIGKILL");
      throw new Error(`redis-server did not start (see ${join(dir, "redis.log")})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A server a killed session left running on our data folder, if it still answers. */
async function reuseLeftOver(portFile: string, dir: string): Promise<PrivateRedis | undefined> {
  let port: number;
  try {
    port = Number(readFileSync(portFile, "utf8"));
  } catch {
    return undefined;
  }
  const url = `redis://127.0.0.1:${port}`;
  const redis = await connectRedis(url, 300).catch(() => undefined);
  if (!redis) return undefined;
  // Only our own server keeps its data in our folder; anything else on that port is not ours.
  const [, serverDir] = (await redis.config("GET", "dir").catch(() => [])) as string[];
  if (serverDir !== dir) {
    redis.disconnect();
    return undefined;
  }
  return { url, redis, stop: () => shutdown(redis) };
}

async function shutdown(redis: Redis): Promise<void> {
  // SHUTDOWN SAVE closes the connection as the server exits, so the call "fails" when it worked.
  await redis.shutdown("SAVE").catch(() => undefined);
  redis.disconnect();
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}
