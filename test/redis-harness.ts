// A private redis-server for tests, started on a free port in a temporary folder and
// stopped after. Tests never touch a Redis they did not start.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort } from "../src/store/private-redis";

export interface TestRedis {
  url: string;
  port: number;
  /** With `tls`: the CA certificate that signed the server's (for NODE_EXTRA_CA_CERTS). */
  caFile?: string;
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
  /** Serve TLS only (a `rediss://` URL), with a certificate for 127.0.0.1 signed by a CA made for it (openssl). */
  tls?: boolean;
}

/** A CA and a server certificate for 127.0.0.1 signed by it, in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=stepgraph test CA");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(file("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.cnf");
  return { ca: file("ca.crt"), cert: file("server.crt"), key: file("server.key") };
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-test-redis-"));
  const port = await freePort();
  const certificates = options.tls ? makeCertificates(dir) : undefined;
  const listen = certificates
    ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", certificates.cert, "--tls-key-file", certificates.key, "--tls-ca-cert-file", certificates.ca, "--tls-auth-clients", "no"]
    : ["--port", String(port)];
  const args = [...listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...(options.password ? ["--requirepass", options.password] : []), ...(options.args ?? [])];
  let server: ChildProcess = spawn("redis-server", args, { stdio: "ignore" });
  // A test process that ends without its after() hooks (a crash, a test runner's timeout)
  // still takes its server down: a SIGKILL'd runner is the only one that leaves it behind.
  const killOnExit = () => server.kill("SIGKILL");
  process.once("exit", killOnExit);
  const url = `${certificates ? "rediss" : "redis"}://127.0.0.1:${port}`;
  const tls = certificates ? { tls: { ca: readFileSync(certificates.ca) } } : {};
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, disconnectTimeout: 100, ...(options.password ? { password: options.password } : {}), ...tls });
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
    ...(certificates ? { caFile: certificates.ca } : {}),
    client,
    async restart({ downMs = 300 } = {}) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = spawn("redis-server", args, { stdio: "ignore" });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, ...(options.password ? { password: options.password } : {}), ...tls });
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
