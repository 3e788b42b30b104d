// A DAP client of the built debug adapter for the benches: DebugClient on an adapter process
// the bench spawns itself (over stdio, or `stepgraph dap --server` over TCP), and a launch
// as VS Code makes it, with every stop of the session kept.
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, type Socket } from "node:net";
import { join } from "node:path";
import { repoRoot } from "../test/helpers";

const adapterPath = join(repoRoot, "dist", "debug-adapter.js");
const cliPath = join(repoRoot, "dist", "cli.js");

export type Transport = "stdio" | "tcp";

export interface ClientOptions {
  transport: Transport;
  timeoutMs: number;
  /** Where each adapter writes its CPU profile (--cpu-prof), if anywhere. */
  profileDir?: string;
}

/**
 * DebugClient on an adapter process the bench spawns itself, so that it can add --cpu-prof and
 * let the adapter exit on its own (the profile is written at exit): over stdio, the adapter's
 * bundle; over TCP, `stepgraph dap --server=0`, connected to on the port it prints, with the
 * token it prints (given in the launch arguments).
 */
export class BenchClient extends DebugClient {
  private process: ChildProcess | undefined;
  private socket: Socket | undefined;
  token: string | undefined;

  private readonly transport: Transport;

  constructor(private readonly options: ClientOptions) {
    super("node", adapterPath, "stepgraph");
    this.transport = options.transport;
    this.defaultTimeout = options.timeoutMs;
  }

  override async start(): Promise<void> {
    const flags = this.options.profileDir ? ["--cpu-prof", "--cpu-prof-dir", this.options.profileDir] : [];
    if (this.transport === "stdio") {
      const child = spawn(process.execPath, [...flags, adapterPath], { stdio: ["pipe", "pipe", "inherit"] });
      this.process = child;
      this.connect(child.stdout, child.stdin);
      return;
    }
    const child = spawn(process.execPath, [...flags, cliPath, "dap", "--server=0"], { stdio: ["ignore", "ignore", "pipe"] });
    this.process = child;
    const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      let said = "";
      child.stderr.on("data", (data: Buffer) => {
        said += data.toString();
        const port = /listening on 127\.0\.0\.1:(\d+)/.exec(said)?.[1];
        const token = /"token": "([^"]+)"/.exec(said)?.[1];
        if (port !== undefined && token !== undefined) resolve({ port: Number(port), token });
      });
      child.once("exit", (code) => reject(new Error(`stepgraph dap --server exited ${code}: ${said}`)));
    });
    this.token = token;
    const socket = createConnection({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    this.socket = socket;
    this.connect(socket, socket);
  }

  /** client.stop() (a disconnect request), then stdin or the socket closed: the adapter ends its session; a server is then stopped (SIGTERM). */
  async close(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    await this.stop();
    this.socket?.end();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    if (this.transport === "stdio") child.stdin?.end();
    else child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts the adapter and launches as VS Code does: initialize, launch, configurationDone. */
export async function launchAdapter(args: Record<string, unknown>, options: ClientOptions): Promise<{ client: BenchClient; output: string[]; nextStop: (count: number) => Promise<DebugProtocol.StoppedEvent> }> {
  const { timeoutMs: TIMEOUT_MS } = options;
  const client = new BenchClient(options);
  await client.start();
  if (client.token !== undefined) args = { ...args, token: client.token };
  const output: string[] = [];
  client.on("output", (event: DebugProtocol.OutputEvent) => output.push(event.body.output));
  // Listening from the start: the stop on entry may come before the launch is done.
  const stops: DebugProtocol.StoppedEvent[] = [];
  let waiter: (() => void) | undefined;
  client.on("stopped", (event: DebugProtocol.StoppedEvent) => {
    stops.push(event);
    waiter?.();
  });
  /** The `count`th stopped event of the session. */
  const nextStop = async (count: number) => {
    const deadline = performance.now() + TIMEOUT_MS;
    const timer = setTimeout(() => waiter?.(), TIMEOUT_MS);
    try {
      while (stops.length < count) {
        await new Promise<void>((done) => (waiter = done));
        if (stops.length < count && performance.now() >= deadline) throw new Error(`no stopped event number ${count} within ${TIMEOUT_MS} ms`);
      }
    } finally {
      clearTimeout(timer);
      waiter = undefined;
    }
    return stops[count - 1];
  };
  try {
    const initialized = client.waitForEvent("initialized");
    await client.initializeRequest({ adapterID: "stepgraph", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
    const launched = client.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    await initialized;
    await client.setExceptionBreakpointsRequest({ filters: ["nodeErrors"] });
    await client.configurationDoneRequest();
    await launched;
  } catch (e) {
    await client.close();
    throw e;
  }
  return { client, output, nextStop };
}

