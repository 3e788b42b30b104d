// `stepgraph graphs` (docs/production.md, "What is deployed"): the graphs with an active
// version on a Redis, found by SCAN, and their versions as `status` gives them; it writes nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { freePort } from "../../src/store/private-redis";
import { assertBadInput, type CliResult } from "../helpers";
import { deploy, fileTestRedis, loopsWorkspace, stepgraph } from "../production/production-harness";
import { assertReadOnly } from "./read-only";

const redis = fileTestRedis();

function listed(result: CliResult): unknown {
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim().split("\n").length, 1, result.stdout);
  return JSON.parse(result.stdout);
}

test("graphs lists the deployed graphs, sorted, with their active versions (as status gives them); not a graph with keys but no active pointer", async () => {
  const ws = loopsWorkspace();
  deploy("fork.graph", redis.url, ws);
  deploy("chain.graph", redis.url, ws);
  deploy("chain.graph", redis.url, ws);
  // A graph run in development (its cache) and one never deployed, keys that only look like a pointer.
  await redis.client.set("stepgraph:{draft}:cache:a:ff", "x");
  await redis.client.hset("stepgraph:{draft}:prod:totals", "submitted", 1);
  await redis.client.set("stepgraph:{chain:1}:prod:active", "x");
  await redis.client.set("stepgraph:{not-a-name}:prod:active", "x");
  const json = listed(stepgraph(["graphs", "--json"], redis.url, ws));
  assert.deepEqual(json, [
    { graph: "chain", activeVersion: 2 },
    { graph: "fork", activeVersion: 1 },
  ]);
  for (const { graph, activeVersion } of json as { graph: string; activeVersion: number }[]) {
    assert.equal((listed(stepgraph(["status", graph, "--json"], redis.url, ws)) as { activeVersion: number }).activeVersion, activeVersion);
  }
  const text = stepgraph(["graphs"], redis.url, ws);
  assert.equal(text.status, 0, text.stderr);
  assert.equal(text.stdout, "chain  version 2\nfork   version 1\n");
  assert.equal(text.stderr, "");
});

test("an empty Redis: [] with --json, one line saying so without", async () => {
  const ws = loopsWorkspace();
  assert.deepEqual(listed(stepgraph(["graphs", "--json"], redis.url, ws)), []);
  const text = stepgraph(["graphs"], redis.url, ws);
  assert.equal(text.status, 0, text.stderr);
  assert.equal(text.stdout, `no graph is deployed to ${redis.url}\n`);
});

test("SCAN finds every graph among many other keys, without KEYS, and graphs writes nothing", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  deploy("pair.graph", redis.url, ws);
  const pipeline = redis.client.pipeline();
  for (let i = 0; i < 5000; i++) pipeline.set(`stepgraph:{g${i % 50}}:cache:n:${i}`, "x");
  await pipeline.exec();
  let json: unknown;
  const sent = await assertReadOnly(redis.client, () => {
    json = listed(stepgraph(["graphs", "--json"], redis.url, ws));
    assert.equal(stepgraph(["graphs"], redis.url, ws).status, 0);
  });
  assert.deepEqual(json, [
    { graph: "chain", activeVersion: 1 },
    { graph: "pair", activeVersion: 1 },
  ]);
  assert.ok(sent.includes("scan"), sent.join(", "));
});

test("a pointer that is not a signed pointer (written by hand) is left out with one line on stderr; the others are listed", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  await redis.client.set("stepgraph:{byhand}:prod:active", "3");
  const result = stepgraph(["graphs", "--json"], redis.url, ws);
  assert.deepEqual(listed(result), [{ graph: "chain", activeVersion: 1 }]);
  assert.match(result.stderr, /^stepgraph: the active-version pointer of graph 'byhand' is not a signed pointer .*\(left out\)\n$/);
});

test("bad input: an argument, an unknown option, a URL that is not production's, a Redis that does not answer: one line, exit 2", async () => {
  const ws = loopsWorkspace();
  assertBadInput(stepgraph(["graphs", "chain"], redis.url, ws), /^stepgraph: graphs: unexpected 'chain'/);
  assertBadInput(stepgraph(["graphs", "--nope"], redis.url, ws), /^stepgraph: graphs: Unknown option '--nope'/);
  assertBadInput(stepgraph(["graphs", "--redis", "private"], redis.url, ws), /^stepgraph: production mode needs a Redis URL/);
  assertBadInput(stepgraph(["graphs", "--redis", "http://example.com"], redis.url, ws), /^stepgraph: /);
  assertBadInput(stepgraph(["graphs", "--json", "--redis", `redis://127.0.0.1:${await freePort()}`], redis.url, ws), /^stepgraph: Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(connection refused\)$/m);
});
