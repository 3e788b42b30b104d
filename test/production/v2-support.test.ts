// Language v2 at deploy: a subgraph called with `map` is refused with one line naming the
// node, and nothing is stored; a pin is warned about, and production runs the node.
import assert from "node:assert/strict";
import { test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { fileTestRedis, queueManager, startWorker, stepgraph, stopWorkers, submit, waitForRest } from "./production-harness";

const redis = fileTestRedis();

test("deploy refuses a subgraph called with map, naming the node, and stores nothing", async () => {
  const ws = copyFixture("v2", "production");
  const result = stepgraph(["deploy", ws.path("mapsub.graph")], redis.url, ws);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /mapsub\.graph:6: node 'many' maps over a subgraph call \(hello\), which production mode does not run yet: it runs in development mode \(stepgraph run, the debugger\) only/);
  assert.equal(result.stderr.trim().split("\n").length, 1, `one line: ${result.stderr}`);
  assert.deepEqual(await redis.client.keys("*"), [], "nothing stored");
});

test("deploy warns for each pin, and production runs the pinned node", async () => {
  const ws = copyFixture("v2", "production");
  const deployed = stepgraph(["deploy", ws.path("pinned.graph")], redis.url, ws);
  assert.equal(deployed.status, 0, deployed.stderr);
  assert.equal(deployed.stderr, `stepgraph: warning: ${ws.path("pinned.graph")}:4: node 'items' is pinned to ${ws.path("rates.json")}: production ignores pins and runs the node\n`);
  const workers = [await startWorker(redis.url, ws, "ppinned", "main")];
  const { manager, close } = queueManager(redis.url, "ppinned");
  try {
    const ids = await submit(manager, [{}]);
    await waitForRest(manager, 20_000);
    assert.deepEqual(await manager.outcomes(ids), [{ id: ids[0], status: "done", result: { used: [1, 2, 3] } }]);
  } finally {
    close();
    await stopWorkers(workers);
  }
});
