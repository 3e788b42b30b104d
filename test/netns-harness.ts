// Hosts of a test's own, made of Linux network namespaces with iproute2: each host is a
// namespace with one cable (a veth pair) to a switch, a bridge in a namespace of its own
// (so the machine's firewall rules never see the hosts' traffic), and the test's own
// namespace is cabled to the switch too, so the test reaches every host. Addresses are in
// a private /24 that no address or route of the machine overlaps. Everything started in a
// host is tracked by pid and killed, and the namespaces and cables deleted, at stop(), when
// the test process exits, and on SIGINT or SIGTERM. A machine that cannot make namespaces
// gets one error saying so (the test fails; it never passes without them).
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";

export interface TestHost {
  name: string;
  /** The host's network namespace. */
  namespace: string;
  address: string;
  /** Starts a process in this host (`ip netns exec`, which execs: the pid is the process's own); it is killed at stop(). */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /**
   * Pulls the host's cable out at the switch: its packets and those sent to it are lost,
   * and nothing tells its sockets (its own link stays up, as across a real network).
   */
  cut(): void;
  /** Plugs the cable back in. */
  restore(): void;
}

export interface TestNetwork {
  /** The /24 the hosts live in (the test's namespace is its .1). */
  subnet: string;
  host(name: string): TestHost;
  /** Kills every process started in a host, deletes the namespaces and the cables. */
  stop(): Promise<void>;
}

/** The machine cannot make network namespaces (no iproute2, no privilege): the message says which. */
export class NamespacesUnavailableError extends Error {}

interface IpResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function ip(args: readonly string[]): IpResult {
  const result = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "", error: result.error };
}

function mustIp(args: readonly string[]): string {
  const result = ip(args);
  if (result.error !== undefined || result.status !== 0) throw new Error(`ip ${args.join(" ")} failed: ${(result.error?.message ?? result.stderr).trim()}`);
  return result.stdout;
}

/** The IPv4 prefixes the machine's own namespace has addresses or routes in, as [network, length]. */
function prefixesInUse(): [number, number][] {
  const prefixes: [number, number][] = [];
  const addresses = JSON.parse(mustIp(["-j", "-4", "addr", "show"])) as { addr_info?: { local?: string; prefixlen?: number }[] }[];
  for (const link of addresses) for (const a of link.addr_info ?? []) if (a.local !== undefined) prefixes.push([toNumber(a.local), a.prefixlen ?? 32]);
  const routes = JSON.parse(mustIp(["-j", "-4", "route", "show", "table", "all"])) as { dst?: string }[];
  for (const route of routes) {
    if (route.dst === undefined || route.dst === "default") continue;
    const [network, length] = route.dst.split("/");
    prefixes.push([toNumber(network), length === undefined ? 32 : Number(length)]);
  }
  return prefixes;
}

function toNumber(address: string): number {
  return address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function overlaps([a, aLength]: [number, number], [b, bLength]: [number, number]): boolean {
  const length = Math.min(aLength, bLength);
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** A 10.X.Y.0/24 (X from 100 to 249, from a random start) that overlaps nothing the machine uses. */
function freeSubnet(): string {
  const used = prefixesInUse();
  const start = randomBytes(2).readUInt16BE(0);
  for (let i = 0; i < 150 * 256; i++) {
    const n = (start + i) % (150 * 256);
    const subnet = `10.${100 + Math.floor(n / 256)}.${n % 256}`;
    if (!used.some((prefix) => overlaps(prefix, [toNumber(`${subnet}.0`), 24]))) return subnet;
  }
  throw new Error("no free private /24 under 10.100.0.0/16 - 10.249.0.0/16 for the test network");
}

/**
 * Makes the hosts `names` (each gets .2, .3, ... of the subnet, in order). Throws
 * NamespacesUnavailableError when the machine cannot make a network namespace.
 */
export async function startTestNetwork(names: readonly string[]): Promise<TestNetwork> {
  const tag = `${process.pid}-${randomBytes(2).toString("hex")}`;
  const switchNs = `sg-${tag}-switch`;
  // The test's end of its cable, in the machine's namespace: at most 15 characters.
  const rootLink = `sg${randomBytes(2).toString("hex")}${process.pid % 10_000_000}`;
  const namespaces: string[] = [];
  const children = new Set<ChildProcess>();
  let stopped = false;

  const cleanUp = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", cleanUp);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    for (const child of children) child.kill("SIGKILL");
    // Whatever else runs in our namespaces (started by what we started) goes too.
    for (const ns of namespaces) {
      for (const pid of ip(["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // Gone already.
        }
      }
    }
    ip(["link", "del", "dev", rootLink]);
    for (const ns of namespaces) ip(["netns", "del", ns]);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", cleanUp);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const addNamespace = (ns: string) => {
    const result = ip(["netns", "add", ns]);
    if (result.error !== undefined) {
      const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
      throw new NamespacesUnavailableError(`this machine cannot create network namespaces: ${missing ? "the ip command (iproute2) is not installed" : result.error.message}`);
    }
    if (result.status !== 0) throw new NamespacesUnavailableError(`this machine cannot create network namespaces: 'ip netns add ${ns}' failed: ${result.stderr.trim()} (it needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN, and a kernel with network namespaces)`);
    namespaces.push(ns);
  };

  try {
    addNamespace(switchNs);
    const subnet = freeSubnet();
    mustIp(["-n", switchNs, "link", "add", "name", "br0", "type", "bridge"]);
    mustIp(["-n", switchNs, "link", "set", "dev", "br0", "up"]);
    const plugIn = (port: string) => mustIp(["-n", switchNs, "link", "set", "dev", port, "master", "br0", "up"]);
    mustIp(["link", "add", "name", rootLink, "type", "veth", "peer", "name", "p-test", "netns", switchNs]);
    plugIn("p-test");
    mustIp(["addr", "add", `${subnet}.1/24`, "dev", rootLink]);
    mustIp(["link", "set", "dev", rootLink, "up"]);

    const hosts = new Map<string, TestHost>();
    names.forEach((name, i) => {
      const ns = `sg-${tag}-${name}`;
      addNamespace(ns);
      const port = `p-${name}`.slice(0, 15);
      const address = `${subnet}.${i + 2}`;
      mustIp(["link", "add", "name", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", switchNs]);
      plugIn(port);
      mustIp(["-n", ns, "addr", "add", `${address}/24`, "dev", "eth0"]);
      mustIp(["-n", ns, "link", "set", "dev", "eth0", "up"]);
      mustIp(["-n", ns, "link", "set", "dev", "lo", "up"]);
      hosts.set(name, {
        name,
        namespace: ns,
        address,
        spawn(command, args, options = {}) {
          if (stopped) throw new Error("the test network is stopped");
          const child = spawn("ip", ["netns", "exec", ns, command, ...args], options);
          children.add(child);
          child.once("exit", () => children.delete(child));
          return child;
        },
        cut: () => void mustIp(["-n", switchNs, "link", "set", "dev", port, "down"]),
        restore: () => void mustIp(["-n", switchNs, "link", "set", "dev", port, "up"]),
      });
    });

    return {
      subnet: `${subnet}.0/24`,
      host(name) {
        const host = hosts.get(name);
        if (host === undefined) throw new Error(`the test network has no host '${name}'`);
        return host;
      },
      async stop() {
        const exits = [...children].map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once("exit", resolve))));
        cleanUp();
        await Promise.all(exits);
      },
    };
  } catch (e) {
    cleanUp();
    throw e;
  }
}

export interface HostRedis {
  /** With the password: what a worker on any host of the network is given. */
  url: string;
  /** A client from the test's namespace, for assertions and fixtures. */
  client: Redis;
  stop(): Promise<void>;
}

/** A redis-server of the test's own on `host` (port 6379 of its address, a password, its own folder). */
export async function startRedisOn(host: TestHost, options: { args?: string[] } = {}): Promise<HostRedis> {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-test-netns-redis-"));
  const password = randomBytes(12).toString("hex");
  const server = host.spawn("redis-server", ["--bind", host.address, "--port", "6379", "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", dir, ...(options.args ?? [])], { stdio: "ignore" });
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const url = `redis://:${password}@${host.address}:6379`;
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, disconnectTimeout: 100 });
  client.on("error", () => undefined);
  for (const started = Date.now(); ; ) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch {
      if (Date.now() - started > 5000 || server.exitCode !== null) {
        server.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`redis-server did not start on ${host.address}:6379 in host ${host.name}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  client.options.retryStrategy = () => 50;
  return {
    url,
    client,
    async stop() {
      client.disconnect();
      server.kill("SIGKILL");
      if (server.exitCode === null && server.signalCode === null) await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
