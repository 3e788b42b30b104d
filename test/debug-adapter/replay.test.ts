// Debugging a job production ran: the launch attribute `replay` over DAP. The session stops
// before the node that failed in production, with production's error in exceptionInfo and
// production's values in the Variables pane, and runs the local code from there.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { deploy, fileTestRedis, queueManager, startWorker, stopWorkers, submit, waitForRest } from "../production/production-harness";
import { adapterPath, collectOutput, launch, outputSinceStart, scopeValues, stoppedAt } from "./dap-helpers";

const redis = fileTestRedis();

/** A job of replayed.graph that died in loop `second` (its `checked` refuses 13); resolves to its id. */
async function deadJob(ws: Workspace, n = 12): Promise<string> {
  deploy("replayed.graph", redis.url, ws);
  const workers = await Promise.all(["first", "second"].map((loop) => startWorker(redis.url, ws, "replayed", loop)));
  const { manager, close } = await queueManager(redis.url, "replayed");
  try {
    const [id] = await submit(manager, [{ n }]);
    await waitForRest(manager, 20_000);
    return id;
  } finally {
    close();
    await stopWorkers(workers);
  }
}

function launchReplay(t: TestContext, ws: Workspace, id: string, extra: Record<string, unknown> = {}): Promise<DebugClient> {
  return launch(t, { graph: ws.path("replayed.graph"), cwd: ws.dir, replay: { job: id, redisUrl: redis.url }, ...extra });
}

test("a dead job: stops before the node that failed, production's error in exceptionInfo and production's values in Variables; continue runs the local code", async (t) => {
  const ws = copyFixture("replay", "production");
  const id = await deadJob(ws);
  const client = await launchReplay(t, ws, id);
  const output = outputSinceStart(client);
  const stop = await stoppedAt(client);
  assert.equal(stop.reason, "exception");
  assert.equal(stop.node, "checked");
  assert.equal(stop.description, "node 'checked' failed in production");
  // The call stack: the failed node, then the nodes that fed it (from production).
  assert.deepEqual(stop.frames.map((f) => f.name.split(" ")[0]), ["checked", "a"]);

  const info = await client.exceptionInfoRequest({ threadId: 1 });
  assert.equal(info.body.exceptionId, "Error");
  assert.equal(info.body.description, `node 'checked' failed in production (job ${id}, loop second, after 2 attempts): refusing 13`);
  assert.equal(info.body.details?.message, "refusing 13");
  assert.match(info.body.details?.stackTrace ?? "", /^Error: refusing 13\n\s+at refuse \(.*nodes\.ts:\d+/);

  const scopes = await scopeValues(client);
  // refuse(n, poison) with production's a and poison.
  assert.deepEqual(scopes.Inputs, { n: "13", poison: "13" });
  assert.equal(scopes.Node.status, '"pending"');
  assert.equal(scopes.Outputs.a, "13");
  // As production held it: a Date, a Set and a bigint, not their JSON.
  assert.equal(scopes.Outputs.info, "{ n: 13, at: 2026-01-01T00:00:00.000Z, tags: [Set], big: 1300000000000000000000n }");
  const frames = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const aNode = await scopeValues(client, frames[1].id);
  assert.equal(aNode.Node.status, '"recorded"');
  assert.equal(aNode.Node.cache, '"recorded"');

  // Continuing runs `checked` with the local code, which refuses 13 too: a stop at its own failure.
  await client.continueRequest({ threadId: 1 });
  const again = await stoppedAt(client);
  assert.equal(again.reason, "exception");
  assert.equal(again.description, "node 'checked' failed");
  const local = await client.exceptionInfoRequest({ threadId: 1 });
  assert.equal(local.body.description, "node 'checked' failed: refusing 13");
  assert.ok(output.some((line) => line.startsWith(`replaying job ${id} of graph replayed: dead in production (node 'checked' of loop 'second' failed after 2 attempts: refusing 13)`)), output.join(""));
  assert.ok(output.some((line) => /reused from production: a, info/.test(line)), output.join(""));
  assert.ok(output.some((line) => /out of reach: side \(needs input 'n'/.test(line)), output.join(""));
});

test("with stopOnEntry it stops at the first node; after a local fix, continuing stops before the failed node, then runs through", async (t) => {
  const ws = copyFixture("replay", "production");
  const id = await deadJob(ws);
  ws.edit("nodes.ts", (text) => text.replace("if (n === poison)", "if (n === poison && n < 0)"));
  const client = await launchReplay(t, ws, id, { stopOnEntry: true });
  const entry = await stoppedAt(client);
  assert.deepEqual([entry.reason, entry.node], ["entry", "a"]);
  await client.continueRequest({ threadId: 1 });
  const failed = await stoppedAt(client);
  assert.deepEqual([failed.reason, failed.node], ["exception", "checked"]);
  const terminated = client.waitForEvent("terminated");
  const output = collectOutput(client);
  await client.continueRequest({ threadId: 1 });
  await terminated;
  assert.ok(output.some((line) => /graph finished; outputs:[\s\S]*out: 12/.test(line)), output.join(""));
});

test("the launch attribute replay is checked: an object with the job's id and, optionally, a Redis URL", async (t) => {
  const ws = copyFixture("replay", "production");
  const base = { graph: ws.path("replayed.graph"), cwd: ws.dir };
  const cases: [unknown, RegExp][] = [
    ["7", /the launch attribute 'replay' must be an object \{ "job": ID, "redisUrl"\?: URL \}, not "7"/],
    [{}, /the launch attribute 'replay' must be an object \{ "job": ID, "redisUrl"\?: URL \}, not \{\}/],
    [{ job: "seven" }, /'replay\.job' must be a job id \(17, or 17@3 for a partitioned graph\), not "seven"/],
    [{ job: 7, redisUrl: "memory" }, /'replay\.redisUrl' must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ job: 7, redisUrl: "redis://127.0.0.1:1" }, /Redis at redis:\/\/127\.0\.0\.1:1 does not answer/],
  ];
  for (const [replay, expected] of cases) {
    const message = await launchFailure(t, { ...base, replay });
    assert.match(message, expected);
  }
});

async function launchFailure(t: TestContext, args: Record<string, unknown>): Promise<string> {
  const client = new DebugClient("node", adapterPath, "stepgraph");
  client.defaultTimeout = 15_000;
  await client.start();
  t.after(() => client.stop().catch(() => undefined));
  await client.initializeRequest();
  try {
    await client.launchRequest(args as never);
  } catch (e) {
    return (e as Error).message;
  }
  return assert.fail(`launch with ${JSON.stringify(args)} succeeded`);
}
