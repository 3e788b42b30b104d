// The name production commands use for a graph: its `graph NAME` statement.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { graphNameOf } from "../../src/extension/graph-name";
import { repoRoot } from "../helpers";

test("the name of the graph statement", () => {
  assert.equal(graphNameOf('graph orders\n\nuse "./nodes/orders.ts"\ninput order\n'), "orders");
  assert.equal(graphNameOf("  graph   text_enrichment2  \n"), "text_enrichment2");
});

test("comments and strings that look like graph statements are not taken", () => {
  const text = ["// graph commented_out", "   // graph also_not", 'input title = "graph nope"', "graph real", ""].join("\n");
  assert.equal(graphNameOf(text), "real");
  // The example's header comment talks about graphs before its statement.
  assert.equal(graphNameOf(readFileSync(join(repoRoot, "examples", "orders", "orders.graph"), "utf8")), "orders");
});

test("the first graph statement when there are several (the checker reports the others)", () => {
  assert.equal(graphNameOf("graph first\ngraph second\n"), "first");
});

test("no name when there is no graph statement, or it names nothing", () => {
  assert.equal(graphNameOf(""), undefined);
  assert.equal(graphNameOf("input order\nnode a = f(order)\n"), undefined);
  assert.equal(graphNameOf("graph\n"), undefined);
  assert.equal(graphNameOf("graph 42\n"), undefined);
});
