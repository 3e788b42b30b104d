// Where Pin Output writes a pin file and the path the `pin:` option names.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pinFileOf, pinLocation } from "../../src/extension/pin-path";

const graph = join("/work", "shop", "orders.graph");

test("a node without a pin: pins/GRAPH/NODE.json beside the graph", () => {
  assert.deepEqual(pinLocation(graph, "rates"), { file: join("/work", "shop", "pins", "orders", "rates.json"), option: "./pins/orders/rates.json" });
  assert.equal(pinLocation(join("/work", "shop", "orders.v2.graph"), "rates").option, "./pins/orders.v2/rates.json", "graphs in one folder keep apart");
});

test("a pinned node keeps its pin file, inside the graph's folder or not", () => {
  assert.deepEqual(pinLocation(graph, "rates", join("/work", "shop", "fixed", "r.json")), { file: join("/work", "shop", "fixed", "r.json"), option: "./fixed/r.json" });
  assert.equal(pinLocation(graph, "rates", join("/work", "common", "r.json")).option, "../common/r.json");
});

test("a pin option's file, resolved from the graph's folder", () => {
  assert.equal(pinFileOf(graph, "./pins/orders/rates.json"), join("/work", "shop", "pins", "orders", "rates.json"));
  assert.equal(pinFileOf(graph, "../common/r.json"), join("/work", "common", "r.json"));
});
