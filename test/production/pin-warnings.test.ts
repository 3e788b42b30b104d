// Language v2 at deploy: a pin is warned about, and production runs the node.
import assert from "node:assert/strict";
import { test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { fileTestRedis, queueManager, startWorker, stepgraph, stopWorkers, submit, waitForRest } from "./production-harness";

const redis = fileTestRedis();

test("deploy warns for each pin, and production runs the pinned node", async () => {
  const ws = copyFixture("v2", "production");
  const deployed = stepgraph(["deploy", ws.path("pinned.graph")], redis.url, ws);
  assert.equal(deployed.status, 0, deployed.stderr);
  assert.equal(deployed.stderr, `stepgraph: warning: ${ws.path("pinned.graph")}:4: node 'items' is pinned to ${ws.path("rates.json")}: production ignores pins and runs the node\n`);
  const workers = [await startWorker(redis.url, ws, "ppinned", "main")];
  const { manager, close } = await queueManager(redis.url, "ppinned");
  try {
    const ids = await submit(manager, [{}]);
    await waitForRest(manager, 20_000);
    assert.deepEqual(await manager.outcomes(ids), [{ id: ids[0], status: "done", result: { used: [1, 2, 3] } }]);
  } finally {
    close();
    await stopWorkers(workers);
  }
});
