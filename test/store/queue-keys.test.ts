// The key layout of production mode (src/store/queue-keys.ts): a graph of one partition
// keeps the layout it always had; partition P of a partitioned graph carries its own hash
// tag `{graph:P}` on every key a job touches, while the versions, the active pointer, the
// control channel, the counters and the capture points (every partition's workers record for
// them) stay under the graph's own `{graph}`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTIVE_POINTER_PATTERN, graphOfActivePointer, queueKeys, type QueueKeys } from "../../src/store/queue-keys";

const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

/** Every key of `keys`, by the name of its field (functions called with sample arguments). */
function allKeys(keys: QueueKeys): Record<string, string> {
  const sample = (fn: (...args: string[]) => string) => fn("loop", "17@2", "token");
  return Object.fromEntries(
    Object.entries(keys)
      .filter(([name]) => name !== "partition" && name !== "prefix")
      .map(([name, value]) => [name, typeof value === "function" ? sample(value as (...args: string[]) => string) : String(value)]),
  );
}

const HOME_KEYS = ["partitions", "versionSeq", "version", "versions", "active", "activeSeq", "control", "jobSeq", "captures", "capture", "captureRecords"];

test("partition 0 is the graph's own layout, as before partitions", () => {
  const keys = queueKeys("orders", 0);
  assert.deepEqual(allKeys(queueKeys("orders")), allKeys(keys));
  assert.equal(keys.waiting("billing"), "stepgraph:{orders}:prod:loop:billing:waiting");
  assert.equal(keys.result("17"), "stepgraph:{orders}:prod:result:17");
  assert.equal(keys.totals, "stepgraph:{orders}:prod:totals");
  assert.equal(keys.active, "stepgraph:{orders}:prod:active");
  assert.deepEqual(new Set(Object.values(allKeys(keys)).map(hashTag)), new Set(["orders"]));
});

test("partition P: every key of a job's carries {graph:P}; the graph's versions and counters keep {graph}", () => {
  for (const p of [1, 3, 63]) {
    const keys = queueKeys("orders", p);
    assert.equal(keys.partition, p);
    assert.equal(keys.waiting("billing"), `stepgraph:{orders:${p}}:prod:loop:billing:waiting`);
    assert.equal(keys.processing("billing", "w1"), `stepgraph:{orders:${p}}:prod:loop:billing:processing:w1`);
    for (const [name, key] of Object.entries(allKeys(keys))) {
      assert.equal(hashTag(key), HOME_KEYS.includes(name) ? "orders" : `orders:${p}`, `${name}: ${key}`);
      if (HOME_KEYS.includes(name)) assert.equal(key, allKeys(queueKeys("orders", 0))[name], `${name} is one key for every partition`);
    }
  }
});

test("partitions of one graph, and graphs, never share a key", () => {
  const seen = new Map<string, string>();
  for (const graph of ["orders", "orders2"]) {
    for (let p = 0; p < 4; p++) {
      for (const [name, key] of Object.entries(allKeys(queueKeys(graph, p)))) {
        const owner = `${graph}/${HOME_KEYS.includes(name) ? "home" : p}/${name}`;
        const previous = seen.get(key);
        assert.ok(previous === undefined || previous === owner, `${key}: ${previous} and ${owner}`);
        seen.set(key, owner);
      }
    }
  }
});

test("the active pointers' SCAN pattern, and the graph each key it matches names (none for a key that only looks like one)", () => {
  assert.equal(ACTIVE_POINTER_PATTERN, "stepgraph:{*}:prod:active");
  assert.equal(graphOfActivePointer(queueKeys("orders").active), "orders");
  assert.equal(graphOfActivePointer(queueKeys("orders", 2).active), "orders");
  for (const key of ["stepgraph:{orders:1}:prod:active", "stepgraph:{a}:prod:x:{b}:prod:active", "stepgraph:{}:prod:active", "stepgraph:{9x}:prod:active", "stepgraph:{orders}:prod:active-seq", "stepgraph:{orders}:prod:actives"]) {
    assert.equal(graphOfActivePointer(key), undefined, key);
  }
});
