// `stepgraph graphs` on a Redis Cluster: each primary SCANs its own keys, so the graphs
// whose slots live on different primaries are all listed, whichever node the URL names.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestCluster, type TestCluster } from "../cluster-harness";
import { deploy, loopsWorkspace, stepgraph } from "../production/production-harness";

let cluster: TestCluster;
before(async () => (cluster = await startTestCluster()));
after(() => cluster.stop());

test("graphs lists the graphs deployed on every primary of a cluster, through any node", async () => {
  const ws = loopsWorkspace();
  const graphs = ["chain", "fork", "pair", "poison"];
  for (const graph of graphs) deploy(`${graph}.graph`, cluster.url, ws);
  deploy("chain.graph", cluster.url, ws);
  const homes = await Promise.all(graphs.map((graph) => cluster.nodeOf(`stepgraph:{${graph}}:prod:active`)));
  assert.ok(new Set(homes).size > 1, "the graphs live on more than one primary");
  const expected = [
    { graph: "chain", activeVersion: 2 },
    { graph: "fork", activeVersion: 1 },
    { graph: "pair", activeVersion: 1 },
    { graph: "poison", activeVersion: 1 },
  ];
  for (const node of cluster.nodes) {
    const result = stepgraph(["graphs", "--json", "--redis", cluster.urlOf(node)], cluster.url, ws);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), expected);
  }
});
