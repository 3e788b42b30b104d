// `stepgraph dap --server=PORT`: the same adapter over TCP, one session per connection, on
// loopback only, serving only connections that give the server's token.
import { DebugClient } from "@vscode/debugadapter-testsupport";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { repoRoot, runCli } from "../helpers";
import { copyFixture } from "../runtime/workspace";

interface Server {
  process: ChildProcess;
  port: number;
  /** What the server wrote to stderr on start. */
  banner: string;
}

async function startServer(t: TestContext, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const server = spawn(process.execPath, [join(repoRoot, "dist", "cli.js"), "dap", "--server=0", ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, STEPGRAPH_DAP_TOKEN: "", ...env } });
  t.after(() => server.kill("SIGKILL"));
  let banner = "";
  while (!/listening on .*\n/.test(banner)) {
    const [chunk] = (await once(server.stderr, "data")) as [Buffer];
    banner += chunk.toString();
  }
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
  assert.ok(port > 0, banner);
  return { process: server, port, banner };
}

function tokenFile(t: TestContext, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-token-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "token");
  writeFileSync(file, content);
  return file;
}

/** A full session over TCP: launch with `token`, stop on entry, disconnect. */
async function debugOnce(port: number, token: string | undefined): Promise<void> {
  const ws = copyFixture("pipeline");
  const client = new DebugClient("node", "", "stepgraph");
  await client.start(port);
  try {
    const initialized = client.waitForEvent("initialized");
    await client.initializeRequest();
    const stopped = client.waitForEvent("stopped");
    const launched = client.launchRequest({ graph: ws.path("pipeline.graph"), input: { n: 2 }, redisUrl: "memory", cwd: ws.dir, ...(token === undefined ? {} : { token }) } as never);
    await initialized;
    await client.configurationDoneRequest();
    await launched;
    assert.equal(((await stopped) as { body: { reason: string } }).body.reason, "entry");
    const frames = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.match(frames[0].name, /^doubled = double/);
    await client.disconnectRequest();
  } finally {
    await client.stop();
  }
}

/** Sends DAP requests on a raw connection; resolves with the messages received until the server closes it. */
async function untilClosed(port: number, requests: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const socket = connect(port, "127.0.0.1");
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
  let seq = 1;
  for (const request of requests) {
    const body = JSON.stringify({ seq: seq++, type: "request", ...request });
    socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  const timer = setTimeout(() => socket.destroy(new Error("the server did not close the connection within 5 s")), 5000);
  await once(socket, "close");
  clearTimeout(timer);
  return data.split(/Content-Length: \d+\r\n\r\n/).filter(Boolean).map((text) => JSON.parse(text) as Record<string, unknown>);
}

const launchArgs = { graph: "/nowhere/x.graph", input: {}, redisUrl: "memory" };

test("with --token-file, a session whose launch gives the token is served; two sessions on one server", async (t) => {
  const server = await startServer(t, ["--token-file", tokenFile(t, "s3cret-token\n")]);
  assert.doesNotMatch(server.banner, /s3cret-token/, "a token the user gave is not printed");
  await debugOnce(server.port, "s3cret-token");
  await debugOnce(server.port, "s3cret-token");
});

test("a connection without the right token is refused with one message and closed", async (t) => {
  const server = await startServer(t, ["--token-file", tokenFile(t, "s3cret-token")]);
  for (const token of [undefined, "wrong", 42]) {
    const messages = await untilClosed(server.port, [
      { command: "initialize", arguments: { adapterID: "stepgraph", pathFormat: "path" } },
      { command: "launch", arguments: { ...launchArgs, ...(token === undefined ? {} : { token }) } },
      { command: "threads" },
    ]);
    assert.equal(messages[0].command, "initialize");
    assert.equal(messages[0].success, true, "initialize is answered (capabilities only)");
    const rest = messages.slice(1);
    assert.equal(rest.length, 1, `one message, then the connection is closed: ${JSON.stringify(rest)}`);
    assert.equal(rest[0].command, "launch");
    assert.equal(rest[0].success, false);
    assert.match(String(rest[0].message), /needs the token it was started with: give it as the launch attribute 'token'/);
    assert.doesNotMatch(JSON.stringify(messages), /s3cret-token/);
  }
  // Any other request before an authorized launch is refused the same way.
  const early = await untilClosed(server.port, [{ command: "setBreakpoints", arguments: { source: { path: "/x.graph" }, breakpoints: [{ line: 1 }] } }]);
  assert.equal(early.length, 1);
  assert.equal(early[0].success, false);
  assert.match(String(early[0].message), /needs the token/);
  // The server still serves the right token afterwards.
  await debugOnce(server.port, "s3cret-token");
});

test("the token can come from STEPGRAPH_DAP_TOKEN", async (t) => {
  const server = await startServer(t, [], { STEPGRAPH_DAP_TOKEN: "from-the-env" });
  assert.doesNotMatch(server.banner, /from-the-env/);
  await debugOnce(server.port, "from-the-env");
  const refused = await untilClosed(server.port, [{ command: "launch", arguments: launchArgs }]);
  assert.equal(refused.length, 1);
  assert.equal(refused[0].success, false);
});

test("without a token given, the server makes one and prints it on stderr", async (t) => {
  const server = await startServer(t);
  const token = /"token": "([0-9a-f]{32,})"/.exec(server.banner)?.[1];
  assert.ok(token, server.banner);
  await debugOnce(server.port, token);
  const refused = await untilClosed(server.port, [{ command: "launch", arguments: launchArgs }]);
  assert.equal(refused[0].success, false);
});

test("bad --server and --token-file are one clear line, exit 2", (t) => {
  const bad = runCli(["dap", "--server=http"]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "stepgraph: dap: --server takes a port number, not 'http'\n");

  const missing = runCli(["dap", "--server=0", "--token-file", "/nowhere/token"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^stepgraph: dap: cannot read the token file \/nowhere\/token: .*\n$/);

  const empty = runCli(["dap", "--server=0", "--token-file", tokenFile(t, "  \n")]);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /^stepgraph: dap: the token file .* is empty\n$/);

  const withoutServer = runCli(["dap", "--token-file", tokenFile(t, "x")]);
  assert.equal(withoutServer.status, 2);
  assert.equal(withoutServer.stderr, "stepgraph: dap: --token-file is for --server (on stdio the editor started the adapter itself)\n");
});
