// A private redis-server for tests, started on a free port in a temporary folder and
// stopped after. Tests never touch a Redis they did not start.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort } from "../src/store/private-redis";

export interface TestRedis {
  url: string;
  port: number;
  /** A client for assertions and fixtures. */
  client: Redis;
  /** Shuts the server down (SIGTERM: it saves or syncs its AOF), then starts it again on the same port and folder. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  password?: string;
  /** More redis-server arguments (`--appendonly yes`, ...). */
  args?: string[];
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-test-redis-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...(options.password ? ["--requirepass", options.password] : []), ...(options.args ?? [])];
  let server: ChildProcess = spawn("redis-server", args, { stdio: "ignore" });
  // A test process that ends without its after() hooks (a crash, a test runner's timeout)
  // still takes its server down: a SIGKILL'd runner is the only one that leaves it behind.
  const killOnExit = () => server.kill("SIGKILL");
  process.once("exit", killOnExit);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, disconnectTimeout: 100, ...(options.password ? { password: options.password } : {}) });
  client.on("error", () => undefined);
  const started = Date.now();
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch {
      if (Date.now() - started > 5000) {
        server.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  client.options.retryStrategy = () => 50;
  return {
    url,
    port,
    client,
    async restart({ downMs = 300 } = {}) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = spawn("redis-server", args, { stdio: "ignore" });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, ...(options.password ? { password: options.password } : {}) });
      probe.on("error", () => undefined);
      for (const started = Date.now(); ; ) {
        try {
          await probe.connect();
          await probe.ping();
          break;
        } catch {
          if (Date.now() - started > 5000) throw new Error(`redis-server did not start again on port ${port}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      probe.disconnect();
    },
    async stop() {
      process.off("exit", killOnExit);
      client.disconnect();
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGKILL");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
