// A Redis Cluster of the test's own: three primaries (no replicas) on free loopback ports,
// each in its own temporary folder, formed with `redis-cli --cluster create` and ready
// (cluster_state:ok on every node) before it is handed over. Its servers are killed when
// the test process exits, even without its after() hooks. Tests never touch a Redis they
// did not start.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis, { Cluster } from "ioredis";
import { freePort } from "../src/store/private-redis";

export interface ClusterNodeProcess {
  port: number;
  /** The node's id in the cluster (CLUSTER MYID). */
  id: string;
  /** A connection to this node alone, for CLUSTER commands. */
  client: Redis;
  /** Kills the node's server (SIGKILL). */
  kill(): Promise<void>;
}

export interface TestCluster {
  /** The URL of the first node: what a user would give Stepgraph. */
  url: string;
  /** The URL of one node. */
  urlOf(node: ClusterNodeProcess): string;
  nodes: ClusterNodeProcess[];
  /** A cluster client for assertions and fixtures. */
  client: Cluster;
  /** Empties every primary. */
  flushAll(): Promise<void>;
  /** The node that serves `key`'s slot now. */
  nodeOf(key: string): Promise<ClusterNodeProcess>;
  /**
   * Moves the slot of `key` to `target` as `redis-cli --cluster reshard` does: IMPORTING and
   * MIGRATING, its keys moved `batch` at a time with `pauseMs` between batches (the window
   * in which clients get ASK and TRYAGAIN), then the slot assigned to `target` on every node.
   */
  moveSlotOf(key: string, target: ClusterNodeProcess, options?: { batch?: number; pauseMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

export interface TestClusterOptions {
  /** How many primaries (default 3). */
  primaries?: number;
  /** cluster-node-timeout: how long a node may not answer before the others count it as failed. */
  nodeTimeoutMs?: number;
  /** false: start the servers in cluster mode but never form the cluster (no slot is served). */
  form?: boolean;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const count = options.primaries ?? 3;
  const servers: { port: number; busPort: number; dir: string; process: ChildProcess }[] = [];
  const killAll = () => {
    for (const server of servers) server.process.kill("SIGKILL");
  };
  // A test process that ends without its after() hooks still takes its servers down.
  process.once("exit", killAll);
  const clients: Redis[] = [];
  try {
    for (let i = 0; i < count; i++) {
      // A port freePort found free may be taken again before redis-server binds it (another
      // test's server, a client's ephemeral port): a server that exits at once is started
      // again on other ports.
      for (let attempt = 1; ; attempt++) {
        // The cluster bus port is chosen too: the default (port + 10000) may be taken.
        const [port, busPort] = [await freePort(), await freePort()];
        const dir = mkdtempSync(join(tmpdir(), "stepgraph-test-cluster-"));
        const args = ["--port", String(port), "--cluster-port", String(busPort), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(dir, "nodes.conf"), "--cluster-node-timeout", String(options.nodeTimeoutMs ?? 5000), "--save", "", "--appendonly", "no", "--dir", dir];
        const server = { port, busPort, dir, process: spawn("redis-server", args, { stdio: "ignore" }) };
        servers.push(server);
        try {
          clients.push(await connectWhenUp(server.port, server.process));
          break;
        } catch (e) {
          if (!(e instanceof ExitedAtStartError) || attempt === 3) throw e;
          servers.pop();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    if (options.form === false) return unformed(servers, clients, killAll);
    const created = spawnSync("redis-cli", ["--cluster", "create", ...servers.map((s) => `127.0.0.1:${s.port}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8", timeout: START_TIMEOUT_MS });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await waitForClusterOk(clients);
  } catch (e) {
    for (const client of clients) client.disconnect();
    killAll();
    process.off("exit", killAll);
    for (const server of servers) rmSync(server.dir, { recursive: true, force: true });
    throw e;
  }
  const nodes: ClusterNodeProcess[] = await Promise.all(
    servers.map(async (server, i) => ({
      port: server.port,
      id: (await clients[i].cluster("MYID")) as string,
      client: clients[i],
      kill: async () => {
        const exited = new Promise((resolve) => server.process.once("exit", resolve));
        server.process.kill("SIGKILL");
        if (server.process.exitCode === null && server.process.signalCode === null) await exited;
      },
    })),
  );
  const client = new Cluster([{ host: "127.0.0.1", port: servers[0].port }], { maxRedirections: 64 });
  client.on("error", () => undefined);
  await client.ping();
  const nodeOf = async (key: string) => {
    const slot = (await client.cluster("KEYSLOT", key)) as number;
    // As the first node sees it (after a move, every node is told before moveSlotOf returns).
    const owner = (await nodes[0].client.cluster("SLOTS")).find(([from, to]) => slot >= from && slot <= to)?.[2]?.[2];
    const node = nodes.find((n) => n.id === owner);
    if (node === undefined) throw new Error(`no node serves the slot of ${key}`);
    return node;
  };
  return {
    url: `redis://127.0.0.1:${servers[0].port}`,
    urlOf: (node) => `redis://127.0.0.1:${node.port}`,
    nodes,
    client,
    async flushAll() {
      await Promise.all(nodes.map((node) => node.client.flushall()));
    },
    nodeOf,
    async moveSlotOf(key, target, { batch = 5, pauseMs = 100 } = {}) {
      const source = await nodeOf(key);
      if (source === target) throw new Error(`${key} is on the target node already`);
      const slot = (await client.cluster("KEYSLOT", key)) as number;
      await target.client.cluster("SETSLOT", slot, "IMPORTING", source.id);
      await source.client.cluster("SETSLOT", slot, "MIGRATING", target.id);
      for (;;) {
        const keys = (await source.client.cluster("GETKEYSINSLOT", slot, batch)) as string[];
        if (keys.length === 0) break;
        await source.client.migrate("127.0.0.1", target.port, "", 0, 5000, "REPLACE", "KEYS", ...keys);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      // The target first, then the source (as redis-cli does), then every other node.
      for (const node of [target, source, ...nodes.filter((n) => n !== target && n !== source)]) await node.client.cluster("SETSLOT", slot, "NODE", target.id);
    },
    async stop() {
      process.off("exit", killAll);
      client.disconnect();
      for (const node of clients) node.disconnect();
      await Promise.all(
        servers.map((server) => {
          if (server.process.exitCode !== null || server.process.signalCode !== null) return undefined;
          const exited = new Promise((resolve) => server.process.once("exit", resolve));
          server.process.kill("SIGKILL");
          return exited;
        }),
      );
      for (const server of servers) rmSync(server.dir, { recursive: true, force: true });
    },
  };
}

/** Servers in cluster mode that never formed a cluster: only their URL, nodes and stop() are of use. */
function unformed(servers: { port: number; dir: string; process: ChildProcess }[], clients: Redis[], killAll: () => void): TestCluster {
  const refuse = () => Promise.reject(new Error("the test cluster is not formed"));
  return {
    url: `redis://127.0.0.1:${servers[0].port}`,
    urlOf: (node) => `redis://127.0.0.1:${node.port}`,
    nodes: servers.map((server, i) => ({ port: server.port, id: "", client: clients[i], kill: async () => void server.process.kill("SIGKILL") })),
    get client(): Cluster {
      throw new Error("the test cluster is not formed");
    },
    flushAll: refuse,
    nodeOf: refuse,
    moveSlotOf: refuse,
    async stop() {
      process.off("exit", killAll);
      for (const client of clients) client.disconnect();
      const exits = servers.map((server) => new Promise((resolve) => (server.process.exitCode !== null || server.process.signalCode !== null ? resolve(undefined) : server.process.once("exit", resolve))));
      killAll();
      await Promise.all(exits);
      for (const server of servers) rmSync(server.dir, { recursive: true, force: true });
    },
  };
}

/** A test server that exited before it answered (its port was taken, most likely). */
class ExitedAtStartError extends Error {}

async function connectWhenUp(port: number, server: ChildProcess): Promise<Redis> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, retryStrategy: () => null, disconnectTimeout: 100 });
  client.on("error", () => undefined);
  for (const started = Date.now(); ; ) {
    try {
      await client.connect();
      await client.ping();
      client.options.retryStrategy = () => 50;
      return client;
    } catch {
      if (server.exitCode !== null || server.signalCode !== null) {
        client.disconnect();
        throw new ExitedAtStartError(`redis-server exited (${server.exitCode ?? server.signalCode}) before it answered on port ${port}`);
      }
      if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Waits until every node says cluster_state:ok with all slots assigned. */
async function waitForClusterOk(clients: readonly Redis[]): Promise<void> {
  for (const started = Date.now(); ; ) {
    const infos = (await Promise.all(clients.map((c) => c.cluster("INFO")))) as string[];
    if (infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_assigned:16384/.test(info) && new RegExp(`cluster_known_nodes:${clients.length}\\b`).test(info))) return;
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`the test cluster did not become ready: ${infos.join(" | ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
