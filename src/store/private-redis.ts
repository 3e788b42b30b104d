// A redis-server of our own, started from PATH with its data under the workspace's
// .stepgraph/redis/ so that the cache outlives the session. Only the user who started it can
// reach it: it listens on no TCP port, only on a unix socket in a folder no one else may
// enter (0700), and it asks for a password generated for it and kept in a file no one else
// may read (0600). The password reaches redis-server in its config file, never on a command
// line that `ps` would show. The server is stopped (saving its data) when the session ends;
// one left behind by a killed session is reused when it answers on our socket, to our
// password, with its data in our folder.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Redis from "ioredis";
import { connectRedis } from "./redis-connection";

export interface PrivateRedis {
  /** Where it listens, for messages and the status bar. */
  url: string;
  socketPath: string;
  redis: Redis;
  /** Saves the data and stops the server. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 5000;
/** Below the 104 to 108 bytes that operating systems allow for a unix socket's path. */
const MAX_SOCKET_PATH_BYTES = 100;

/** Starts (or finds running) the private server; undefined when redis-server is not installed. */
export async function startPrivateRedis(stateDir: string): Promise<PrivateRedis | undefined> {
  const dir = join(stateDir, "redis");
  ensurePrivateFolder(dir);
  // Versions before this one left a port file; whatever listens on that port is not trusted.
  rmSync(join(dir, "port"), { force: true });
  const socketPath = socketPathFor(dir);
  const password = readOrCreatePassword(join(dir, "password"));

  const leftOver = await reuseLeftOver(socketPath, password, dir);
  if (leftOver) return leftOver;

  const configFile = join(dir, "redis.conf");
  writePrivateFile(configFile, redisConfig(dir, socketPath, password));
  const server = spawn("redis-server", [configFile], { stdio: "ignore", detached: false, cwd: dir });
  const spawnError = new Promise<"missing">((resolve) => server.once("error", () => resolve("missing")));
  const started = Date.now();
  for (;;) {
    const ready = await Promise.race([spawnError, connectRedis(socketPath, 500, { password }).catch(() => undefined)]);
    if (ready === "missing") return undefined;
    if (ready) return { url: socketPath, socketPath, redis: ready, stop: stopOnce(ready) };
    if (server.exitCode !== null || Date.now() - started > STARTUP_TIMEOUT_MS) {
      server.kill("SIGKILL");
      throw new Error(`redis-server did not start (see ${join(dir, "redis.log")})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function redisConfig(dir: string, socketPath: string, password: string): string {
  // Config values in double quotes, with the escapes redis-server reads (JSON's are a subset).
  const quoted = (value: string) => JSON.stringify(value);
  return [
    "port 0",
    `unixsocket ${quoted(socketPath)}`,
    "unixsocketperm 700",
    `requirepass ${quoted(password)}`,
    `dir ${quoted(dir)}`,
    "dbfilename cache.rdb",
    "save 60 1",
    "appendonly no",
    "loglevel warning",
    `logfile ${quoted(join(dir, "redis.log"))}`,
    "",
  ].join("\n");
}

/**
 * The socket lives beside the data, unless that path is too long for a unix socket (or has a
 * `?`, which ioredis would read as options): then in a folder of its own under the system's
 * temporary folder, named after the data folder so that a later session finds it again.
 */
function socketPathFor(dir: string): string {
  const beside = join(dir, "redis.sock");
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH_BYTES && !beside.includes("?")) return beside;
  const uid = process.getuid?.() ?? 0;
  const folder = join(tmpdir(), `stepgraph-${uid}-${createHash("sha256").update(dir).digest("hex").slice(0, 16)}`);
  ensurePrivateFolder(folder);
  return join(folder, "redis.sock");
}

/** Creates `folder` if need be and makes it ours alone: 0700, a real folder, owned by us. */
function ensurePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stats = lstatSync(folder);
  const uid = process.getuid?.();
  if (!stats.isDirectory()) throw new Error(`${folder} should be the private Redis server's folder but is not a folder`);
  if (uid !== undefined && stats.uid !== uid) throw new Error(`${folder} belongs to another user; the private Redis server keeps its data only in a folder of its own`);
  chmodSync(folder, 0o700);
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const saved = readFileSync(file, "utf8").trim();
    if (/^[0-9a-f]{64}$/.test(saved)) return saved;
  }
  const password = randomBytes(32).toString("hex");
  writePrivateFile(file, password);
  return password;
}

function writePrivateFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A server a killed session left running on our socket, if it still answers to our password and keeps its data in our folder. */
async function reuseLeftOver(socketPath: string, password: string, dir: string): Promise<PrivateRedis | undefined> {
  if (!existsSync(socketPath) || !lstatSync(socketPath).isSocket()) return undefined;
  const redis = await connectRedis(socketPath, 300, { password }).catch(() => undefined);
  if (!redis) return undefined;
  const [, serverDir] = (await redis.config("GET", "dir").catch(() => [])) as string[];
  if (serverDir !== realpathSync(dir)) {
    redis.disconnect();
    return undefined;
  }
  return { url: socketPath, socketPath, redis, stop: stopOnce(redis) };
}

/** Stopping twice is stopping once: a second SHUTDOWN would wait on a connection that is gone. */
function stopOnce(redis: Redis): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => (stopped ??= shutdown(redis));
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
