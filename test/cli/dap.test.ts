// `stepgraph dap --server=PORT`: the same adapter over TCP, one session per connection.
import { DebugClient } from "@vscode/debugadapter-testsupport";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot, runCli } from "../helpers";
import { copyFixture } from "../runtime/workspace";

test("the adapter serves DAP over TCP: two sessions on one server", async (t) => {
  const server = spawn(process.execPath, [join(repoRoot, "dist", "cli.js"), "dap", "--server=0"], { stdio: ["ignore", "ignore", "pipe"] });
  t.after(() => server.kill("SIGKILL"));
  const [line] = (await once(server.stderr, "data")) as [Buffer];
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(line.toString())?.[1]);
  assert.ok(port > 0, line.toString());

  for (let session = 0; session < 2; session++) {
    const ws = copyFixture("pipeline");
    const client = new DebugClient("node", "", "stepgraph");
    await client.start(port);
    const initialized = client.waitForEvent("initialized");
    await client.initializeRequest();
    const stopped = client.waitForEvent("stopped");
    const launched = client.launchRequest({ graph: ws.path("pipeline.graph"), input: { n: 2 }, redisUrl: "memory", cwd: ws.dir } as never);
    await initialized;
    await client.configurationDoneRequest();
    await launched;
    assert.equal(((await stopped) as { body: { reason: string } }).body.reason, "entry");
    const frames = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.match(frames[0].name, /^doubled = double/);
    await client.disconnectRequest();
    await client.stop();
  }
});

test("a bad --server is one clear line, exit 2", () => {
  const result = runCli(["dap", "--server=http"]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, "stepgraph: dap: --server takes a port number, not 'http'\n");
});
