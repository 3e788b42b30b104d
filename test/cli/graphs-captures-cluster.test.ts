// `stepgraph graphs` and `captures` on a Redis Cluster: each primary SCANs its own keys, so
// graphs whose slots live on different primaries are all listed, whichever node the URL
// names; a graph's capture points are read on the node serving its slot.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { captureRecordText, CAPTURE_TTL_MS } from "../../src/production/capture-point";
import { encodeValue } from "../../src/runtime/values";
import { QueueStore } from "../../src/store/queue-store";
import { startTestCluster, type TestCluster } from "../cluster-harness";
import { deploy, loopsWorkspace, stepgraph } from "../production/production-harness";

let cluster: TestCluster;
before(async () => (cluster = await startTestCluster()));
after(() => cluster.stop());

test("graphs lists the graphs deployed on every primary of a cluster, and captures a graph's points, through any node", async () => {
  const ws = loopsWorkspace();
  const graphs = ["chain", "fork", "pair", "poison"];
  for (const graph of graphs) deploy(`${graph}.graph`, cluster.url, ws);
  deploy("chain.graph", cluster.url, ws);
  const homes = await Promise.all(graphs.map((graph) => cluster.nodeOf(`stepgraph:{${graph}}:prod:active`)));
  assert.ok(new Set(homes).size > 1, "the graphs live on more than one primary");
  const store = await QueueStore.open(cluster.url, "chain");
  try {
    await store.openCapture("aaaaaaaaaaaa", JSON.stringify({ node: "b", count: 5 }), 5, CAPTURE_TTL_MS);
    await store.recordCapture("aaaaaaaaaaaa", captureRecordText("b", "w1", { jobId: "1", attempt: 1, args: [2], outcome: { ok: true, value: 4, encoded: encodeValue(4) }, durationMs: 1 }), 1000);
  } finally {
    store.close();
  }
  const expected = [
    { graph: "chain", activeVersion: 2 },
    { graph: "fork", activeVersion: 1 },
    { graph: "pair", activeVersion: 1 },
    { graph: "poison", activeVersion: 1 },
  ];
  for (const node of cluster.nodes) {
    const listed = stepgraph(["graphs", "--json", "--redis", cluster.urlOf(node)], cluster.url, ws);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), expected);
    const captured = stepgraph(["captures", "chain", "--json", "--redis", cluster.urlOf(node)], cluster.url, ws);
    assert.equal(captured.status, 0, captured.stderr);
    const [point] = JSON.parse(captured.stdout) as { id: string; recorded: number; records: { job: string; output: unknown }[] }[];
    assert.deepEqual([point.id, point.recorded, point.records.map((r) => [r.job, r.output])], ["aaaaaaaaaaaa", 1, [["1", 4]]]);
  }
});
