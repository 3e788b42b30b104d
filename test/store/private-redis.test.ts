// The private redis-server (`--redis private`): reachable only by the user who started it,
// its data in a folder only that user may enter, and a left-over server reused only when it
// is provably ours.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Redis from "ioredis";
import { startPrivateRedis, type PrivateRedis } from "../../src/store/private-redis";

const started: PrivateRedis[] = [];
const stateDirs: string[] = [];
after(async () => {
  for (const server of started) await server.stop().catch(() => undefined);
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

function newStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-private-"));
  stateDirs.push(dir);
  return dir;
}

async function start(stateDir: string): Promise<PrivateRedis> {
  const server = await startPrivateRedis(stateDir);
  assert.ok(server, "redis-server is installed");
  started.push(server);
  return server;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("the private redis-server", () => {
  test("its folder is 0700, its socket and password reachable by no one else, and it listens on no TCP port", async () => {
    const stateDir = newStateDir();
    const server = await start(stateDir);
    const dir = join(stateDir, "redis");
    assert.equal(modeOf(dir), 0o700);
    assert.equal(server.socketPath, join(dir, "redis.sock"));
    assert.equal(modeOf(server.socketPath) & 0o077, 0, "the socket is not group- or world-accessible");
    assert.equal(modeOf(join(dir, "password")), 0o600);
    assert.equal(modeOf(join(dir, "redis.conf")), 0o600);
    assert.deepEqual(await server.redis.config("GET", "port"), ["port", "0"]);
    assert.equal(await server.redis.set("k", "v"), "OK");
    assert.match(server.url, /redis\.sock$/);
  });

  test("a connection without the password is refused", async () => {
    const server = await start(newStateDir());
    const stranger = new Redis({ path: server.socketPath, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    stranger.on("error", () => undefined);
    try {
      await stranger.connect();
      await assert.rejects(stranger.get("k"), /NOAUTH/);
      await assert.rejects(stranger.auth("guessed"), /WRONGPASS|invalid password/);
    } finally {
      stranger.disconnect();
    }
  });

  test("a server left by a killed session is reused; a fake one on a port file is not trusted", async () => {
    const stateDir = newStateDir();
    const first = await start(stateDir);
    await first.redis.set("kept", "yes");
    first.redis.disconnect(); // the session dies without stopping its server
    const second = await start(stateDir);
    assert.equal(await second.redis.get("kept"), "yes");
    await second.stop();

    // An older version's port file, with someone else's server on that port.
    let fakeConnections = 0;
    const fake: Server = createServer((socket) => {
      fakeConnections++;
      socket.end("+OK\r\n");
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      const port = (fake.address() as { port: number }).port;
      writeFileSync(join(stateDir, "redis", "port"), String(port));
      const third = await start(stateDir);
      assert.equal(await third.redis.get("kept"), "yes", "our own server, with our saved data");
      assert.equal(fakeConnections, 0, "the server on the port file's port is never contacted");
      assert.equal(existsSync(join(stateDir, "redis", "port")), false);
    } finally {
      fake.close();
    }
  });

  test("a data folder someone loosened is tightened again", async () => {
    const stateDir = newStateDir();
    mkdirSync(join(stateDir, "redis"), { mode: 0o777 });
    const server = await start(stateDir);
    assert.equal(modeOf(join(stateDir, "redis")), 0o700);
    assert.ok(readdirSync(join(stateDir, "redis")).includes("redis.sock"));
    await server.stop();
  });

  test("a workspace path too long for a unix socket puts the socket in a private folder of its own", async () => {
    const stateDir = join(newStateDir(), "a-rather-long-folder-name".repeat(5));
    const server = await start(stateDir);
    assert.ok(!server.socketPath.startsWith(stateDir));
    assert.ok(server.socketPath.length < 100);
    assert.equal(modeOf(join(server.socketPath, "..")), 0o700);
    assert.equal(await server.redis.ping(), "PONG");
    await server.stop();
    rmSync(join(server.socketPath, ".."), { recursive: true, force: true });
  });
});
