// What the compiled graph tells each loop: what a job brings in, what it hands on to
// each next loop (no more than that loop and those after it need), and the result parts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checkText } from "../../src/graph/checker";
import type { GraphModel } from "../../src/graph/model";
import { createModuleReader } from "../../src/graph/module-reader";
import { compileProductionGraph, type ProductionGraph } from "../../src/production/production-graph";
import { fixturePath, repoRoot } from "../helpers";

function compile(path: string): ProductionGraph {
  const graph = checkText(readFileSync(path, "utf8"), { path, modules: createModuleReader() }).graph as GraphModel;
  assert.ok(graph, `${path} checks`);
  const modules = [...new Set(graph.nodes.map((n) => n.modulePath))];
  return compileProductionGraph(graph, modules, new Map(modules.map((m, i) => [m, `hash${i}`])));
}

const loop = (graph: ProductionGraph, name: string) => graph.loops.find((l) => l.name === name);

test("a chain hands each loop only the value it needs", () => {
  const chain = compile(fixturePath("production", "fixtures", "loops", "chain.graph"));
  assert.deepEqual(chain.entryLoops, ["first"]);
  assert.deepEqual(chain.lastLoops, ["third"]);
  assert.deepEqual(loop(chain, "first")?.needs, ["n"]);
  assert.deepEqual(loop(chain, "first")?.handOn, { second: ["a"] });
  assert.deepEqual(loop(chain, "second")?.handOn, { third: ["b"] });
  assert.deepEqual(loop(chain, "third")?.resultPart, ["c"]);
  assert.equal(loop(chain, "first")?.concurrency, 20);
});

test("a join: two entry loops each hand their part to the joining loop; an output is carried through it", () => {
  const fork = compile(fixturePath("production", "fixtures", "loops", "fork.graph"));
  assert.deepEqual(fork.entryLoops.sort(), ["lefts", "rights"]);
  assert.deepEqual(loop(fork, "merge")?.upstream.sort(), ["lefts", "rights"]);
  // `info` is an output computed in `lefts`: it travels through `merge` into the result.
  assert.deepEqual(loop(fork, "lefts")?.handOn, { merge: ["left", "info"] });
  assert.deepEqual(loop(fork, "rights")?.handOn, { merge: ["right"] });
  assert.deepEqual(loop(fork, "merge")?.resultPart?.sort(), ["info", "sum"]);
  assert.deepEqual(loop(fork, "rights")?.needs, ["n"]);
});

test("the orders example: values skip loops that do not need them only when no later loop does", () => {
  const orders = compile(`${repoRoot}/examples/orders/orders.graph`);
  for (const l of orders.loops) {
    for (const [down, names] of Object.entries(l.handOn)) {
      const next = loop(orders, down);
      assert.ok(next, down);
      // Everything handed on is needed there; everything needed there comes from some upstream loop.
      for (const name of names) assert.ok(next.needs.includes(name), `${l.name} hands ${name} to ${down}, which does not need it`);
    }
  }
  for (const l of orders.loops.filter((x) => x.upstream.length > 0)) {
    const brought = new Set(l.upstream.flatMap((up) => loop(orders, up)?.handOn[l.name] ?? []));
    assert.deepEqual([...brought].sort(), [...l.needs].sort(), `what ${l.name} needs is what its upstream loops hand it`);
  }
  const outputs = new Set(orders.lastLoops.flatMap((name) => loop(orders, name)?.resultPart ?? []));
  assert.deepEqual([...outputs].sort(), [...orders.outputs].sort());
});

test("a subgraph call is inlined into the caller's loop: its inputs, its nodes as caller/NAME (nested ones too), then the call gathering its outputs", () => {
  const uses = compile(fixturePath("production", "fixtures", "v2", "uses.graph"));
  assert.deepEqual(uses.loops.map((l) => l.name), ["calling", "after"], "the subgraph's own loop is not one of the caller's");
  assert.deepEqual(loop(uses, "calling")?.nodes, [
    "said/(inputs)",
    "said/text",
    "said/loud",
    "said",
    "polite/(inputs)",
    "polite/text",
    "polite/loud",
    "polite",
    "nested/(inputs)",
    "nested/first/(inputs)",
    "nested/first/text",
    "nested/first/loud",
    "nested/first",
    "nested/both",
    "nested",
  ]);
  // The calls' values go on (to `again` and the result); their inner nodes' do not.
  assert.deepEqual(loop(uses, "calling")?.handOn, { after: ["said", "polite", "nested"] });
  const node = (name: string) => uses.nodes.find((n) => n.name === name);
  assert.deepEqual(node("said/text")?.cacheAs, { graph: "greeting", node: "text" });
  assert.deepEqual(node("said/text")?.requiredDependencies, ["said/(inputs)"]);
  assert.equal(node("polite/(inputs)")?.when?.text, "formal");
  assert.deepEqual(node("nested/both")?.requiredDependencies, ["nested/first", "nested/(inputs)"]);
  assert.deepEqual(node("nested")?.subgraphOutputs, [{ name: "both", node: "nested/both" }]);
});
