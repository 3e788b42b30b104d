// Production mode does not run map, when, `?` or subgraphs yet: deploy refuses such a graph
// with one line naming the node, and stores nothing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture } from "../runtime/workspace";
import { stepgraph } from "./production-harness";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());

test("deploy refuses a graph using a construct production does not run yet, naming the node", async () => {
  const ws = copyFixture("v2");
  const cases: [string, RegExp][] = [
    ["skips.graph", /skips\.graph:7: node 'refunded' uses `when`, which production mode does not run yet/],
    ["map.graph", /map\.graph:10: node 'scaled' uses `map`/],
    ["uses-b.graph", /uses-b\.graph:6: node 'said' uses a subgraph call \(hello\)/],
  ];
  for (const [file, message] of cases) {
    const result = stepgraph(["deploy", ws.path(file)], redis.url, ws);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, `one line: ${result.stderr}`);
  }
  assert.deepEqual(await redis.client.keys("*"), [], "nothing stored");
});
