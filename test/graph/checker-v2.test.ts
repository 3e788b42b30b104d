// Version 2's checker rules (map, when, REF?, use graph and subgraph calls, pin), each shown
// firing on its line and column with its code, and not firing on the nearest correct graph;
// and the model fields the runtime reads.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkText } from "../../src/graph/checker";
import { Code } from "../../src/graph/diagnostics";
import { createModuleReader } from "../../src/graph/module-reader";
import { fixturePath } from "../helpers";
import { check, fixtureGraphPath, found, lines } from "./check-helpers";

const header = ["graph g", 'use "./nodes.ts"', "input id", "input items"];

function model(text: string) {
  const result = check(text);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === "error"), [], "the graph has errors");
  assert.ok(result.graph, "no model");
  return result.graph;
}

describe("map", () => {
  test("one map argument of a reference is fine, and the model says which argument", () => {
    const text = lines(...header, "node a = sum(1, map items)", "node b = double(map a.values)");
    assert.deepEqual(found(text), []);
    const graph = model(text);
    assert.equal(graph.nodesByName.get("a")?.mapIndex, 1);
    assert.equal(graph.nodesByName.get("b")?.mapIndex, 0);
    assert.deepEqual(graph.nodesByName.get("b")?.args, [{ kind: "node", name: "a", path: ["values"], text: "a.values" }]);
  });
  test("a node without map has no mapIndex", () => {
    assert.equal(model(lines(...header, "node a = double(id)")).nodesByName.get("a")?.mapIndex, undefined);
  });
  test("two map arguments in one call", () => {
    assert.deepEqual(found(lines(...header, "node a = sum(map items, map items)")), [`5:25 ${Code.TwoMapArguments}`]);
  });
  test("map of a literal", () => {
    assert.deepEqual(found(lines(...header, "node a = double(map [1, 2])")), [`5:17 ${Code.MapNeedsReference}`]);
  });
  test("map of an optional reference", () => {
    const text = lines(...header, "node a = fetchOrder(id) when id", "node b = double(map a?)");
    assert.deepEqual(found(text), [`6:22 ${Code.MapNeedsReference}`]);
  });
});

describe("when", () => {
  test("a condition over inputs and nodes is fine; its references are dependencies", () => {
    const text = lines(...header, "node a = fetchOrder(id)", "node b = double(id) when a.total > 100 and not (id == null or a.flagged?)");
    assert.deepEqual(found(text).filter((d) => !d.endsWith(Code.OptionalNeverSkipped)), []);
    const b = model(text).nodesByName.get("b");
    assert.deepEqual(b?.dependencies, ["a"]);
    assert.deepEqual(b?.requiredDependencies, ["a"]);
    assert.equal(b?.when?.text, "a.total > 100 and not (id == null or a.flagged?)");
    assert.deepEqual(b?.when?.references, [
      { kind: "node", name: "a", optional: false },
      { kind: "input", name: "id", optional: false },
    ]);
    assert.equal(b?.when?.expr.kind, "and");
  });
  test("the condition orders the graph: a node used only by a condition runs first", () => {
    const graph = model(lines(...header, "node b = double(id) when a", "node a = fetchOrder(id)"));
    assert.deepEqual(graph.nodes.map((n) => n.name), ["a", "b"]);
  });
  test("an unknown name in a condition", () => {
    const text = lines(...header, "node a = fetchOrder(id) when idd > 1");
    assert.deepEqual(found(text), [`5:30 ${Code.UnknownReference}`]);
    assert.match(check(text).diagnostics[0].message, /did you mean 'id'/);
  });
  test("a cycle through a condition", () => {
    const text = lines(...header, "node a = fetchOrder(id) when b", "node b = double(a)");
    assert.deepEqual(found(text), [`5:6 ${Code.NodeCycle}`]);
    assert.match(check(text).diagnostics[0].message, /a → b → a/);
  });
  test("a node whose condition reads itself", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id) when a")), [`5:6 ${Code.NodeCycle}`]);
  });
  test("a node used only by a condition is not unused", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)", "node b = double(id) when a", "output b")), []);
  });
});

describe("optional references", () => {
  test("REF? of a node that may be skipped: no warning; the model marks it and leaves it out of the required", () => {
    const text = lines(...header, "node a = fetchOrder(id) when id", "node b = double(a)", "node c = sum(a?, b?)");
    assert.deepEqual(found(text), []);
    const c = model(text).nodesByName.get("c");
    assert.deepEqual(c?.args.map((arg) => arg.kind !== "literal" && arg.optional), [true, true]);
    assert.deepEqual(c?.dependencies, ["a", "b"]);
    assert.deepEqual(c?.requiredDependencies, []);
  });
  test("the same node referenced with and without ? is required", () => {
    const c = model(lines(...header, "node a = fetchOrder(id) when id", "node c = sum(a?, a.total)")).nodesByName.get("c");
    assert.deepEqual(c?.requiredDependencies, ["a"]);
  });
  test("REF? of an input warns: inputs are never skipped", () => {
    const diagnostics = check(lines(...header, "node a = double(id?)")).diagnostics;
    assert.deepEqual(diagnostics.map((d) => [`${d.range.start.line + 1}:${d.range.start.character + 1}`, d.code, d.severity]), [["5:19", Code.OptionalNeverSkipped, "warning"]]);
  });
  test("REF? of a node that can never be skipped warns", () => {
    const text = lines(...header, "node a = fetchOrder(id)", "node b = double(a?)");
    assert.deepEqual(found(text), [`6:18 ${Code.OptionalNeverSkipped}`]);
  });
  test("a node needing a node that may be skipped may be skipped itself; through ? it may not", () => {
    const text = lines(...header, "node a = fetchOrder(id) when id", "node b = double(a)", "node c = double(a?)", "node d = sum(b?, c?)");
    assert.deepEqual(found(text), [`8:19 ${Code.OptionalNeverSkipped}`]);
  });
});

describe("use graph and subgraph calls", () => {
  const use = 'use graph "./geo.graph" as geo';
  test("a call naming every input without a default is fine; paths into its outputs resolve", () => {
    const text = lines(...header, use, "node place = geo(address: id)", "node z = double(place.zone)");
    assert.deepEqual(found(text), []);
    const place = model(text).nodesByName.get("place");
    assert.equal(place?.subgraph?.alias, "geo");
    assert.equal(place?.subgraph?.file, fixturePath("graph", "fixtures", "checker", "geo.graph"));
    assert.deepEqual(place?.subgraph?.inputs, ["address"]);
    assert.deepEqual(place?.subgraph?.graph.outputs, ["region", "zone"]);
    assert.deepEqual(place?.subgraph?.graph.inputs.map((i) => i.name), ["address", "country"]);
    assert.equal(place?.callText, "geo");
    assert.equal(place?.modulePath, place?.subgraph?.file);
    assert.deepEqual(place?.args, [{ kind: "input", name: "id", path: [], text: "id" }]);
  });
  test("named arguments come in the subgraph's input order; map works on one", () => {
    const text = lines(...header, use, 'node place = geo(country: "FR", address: map items)');
    assert.deepEqual(found(text), []);
    const place = model(text).nodesByName.get("place");
    assert.deepEqual(place?.subgraph?.inputs, ["address", "country"]);
    assert.deepEqual(place?.args.map((a) => a.text), ["items", '"FR"']);
    assert.equal(place?.mapIndex, 0);
  });
  test("a use graph without an alias", () => {
    assert.deepEqual(found(lines(...header, 'use graph "./geo.graph"')), [`5:1 ${Code.UseGraphWithoutAlias}`]);
  });
  test("a missing subgraph file, and a path that is not a .graph file", () => {
    const text = lines(...header, 'use graph "./nowhere.graph" as n', 'use graph "./nodes.ts" as t');
    assert.deepEqual(found(text), [`5:11 ${Code.SubgraphUnreadable}`, `6:11 ${Code.SubgraphUnreadable}`]);
    assert.match(check(text).diagnostics[0].message, /graph file '\.\/nowhere\.graph' does not exist/);
  });
  test("a subgraph with errors: one diagnostic on the use line naming the file and its first problem", () => {
    const text = lines(...header, 'use graph "./broken.graph" as broken', "node x = broken(x: id)");
    assert.deepEqual(found(text), [`5:11 ${Code.SubgraphHasErrors}`]);
    assert.match(check(text).diagnostics[0].message, /graph file '\.\/broken\.graph' has 2 errors; the first, at 4:21: unknown name 'y'/);
  });
  test("a graph that uses itself", () => {
    const path = fixturePath("graph", "fixtures", "checker", "self.graph");
    const result = checkText(lines("graph self", 'use graph "./self.graph" as me', "node x = me()"), { path, modules: createModuleReader() });
    assert.deepEqual(result.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`), [`2:11 ${Code.GraphUseCycle}`]);
  });
  test("graphs that use each other in a cycle, seen from a graph that uses one of them", () => {
    const text = lines(...header, 'use graph "./cycle-a.graph" as a');
    assert.deepEqual(found(text), [`5:11 ${Code.GraphUseCycle}`]);
    assert.match(check(text).diagnostics[0].message, /cycle-a\.graph → cycle-b\.graph → cycle-a\.graph/);
  });
  test("graphs that use each other in a cycle, seen from one of them", () => {
    const path = fixturePath("graph", "fixtures", "checker", "cycle-a.graph");
    const result = checkText(lines("graph cycle_a", 'use graph "./cycle-b.graph" as b', "node x = b()"), { path, modules: createModuleReader() });
    assert.deepEqual(result.diagnostics.map((d) => d.code), [Code.GraphUseCycle]);
    assert.match(result.diagnostics[0].message, /cycle-b\.graph → cycle-a\.graph → cycle-b\.graph|cycle-a\.graph → cycle-b\.graph → cycle-a\.graph/);
  });
  test("positional arguments to a subgraph", () => {
    assert.deepEqual(found(lines(...header, use, "node p = geo(id)")), [`6:10 ${Code.MissingSubgraphArgument}`, `6:14 ${Code.PositionalArgumentToSubgraph}`]);
  });
  test("named arguments to a function", () => {
    assert.deepEqual(found(lines(...header, "node a = double(x: id)")), [`5:17 ${Code.NamedArgumentToFunction}`]);
  });
  test("an unknown named argument, with a suggestion", () => {
    const text = lines(...header, use, "node p = geo(address: id, contry: id)");
    assert.deepEqual(found(text), [`6:27 ${Code.UnknownSubgraphArgument}`]);
    assert.match(check(text).diagnostics[0].message, /has no input 'contry' \(did you mean 'country'\?\)/);
  });
  test("a missing named argument", () => {
    const text = lines(...header, use, 'node p = geo(country: "DE")');
    assert.deepEqual(found(text), [`6:10 ${Code.MissingSubgraphArgument}`]);
    assert.match(check(text).diagnostics[0].message, /needs input 'address'/);
  });
  test("a named argument given twice", () => {
    assert.deepEqual(found(lines(...header, use, "node p = geo(address: id, address: id)")), [`6:27 ${Code.DuplicateSubgraphArgument}`]);
  });
  test("a subgraph called through a dot", () => {
    assert.deepEqual(found(lines(...header, use, "node p = geo.region(address: id)")), [`6:10 ${Code.SubgraphCalledWithDot}`]);
  });
  test("a path into a subgraph output it does not have", () => {
    const text = lines(...header, use, "node p = geo(address: id)", "node z = double(p.zon)");
    assert.deepEqual(found(text), [`7:17 ${Code.UnknownSubgraphOutput}`]);
    assert.match(check(text).diagnostics[0].message, /no output 'zon' \(did you mean 'zone'\?\)/);
  });
  test("a graph alias and a module alias share one namespace", () => {
    assert.deepEqual(found(lines(...header, 'use "./more.ts" as geo', use)), [`6:28 ${Code.DuplicateAlias}`]);
  });
  test("a graph alias that an alias-less module also exports", () => {
    assert.deepEqual(found(lines(...header, 'use graph "./geo.graph" as double', "node p = double(address: id)")), [`6:10 ${Code.AmbiguousFunction}`]);
  });
  test("the language server's reader is used instead of the disk", () => {
    const read = (path: string) => (path.endsWith("virtual.graph") ? { ok: true as const, text: lines("graph v", "input q", "output") } : { ok: false as const, message: "is not open" });
    const result = checkText(lines(...header, 'use graph "./virtual.graph" as v', "node p = v(r: id)"), { path: fixtureGraphPath, modules: createModuleReader(), graphs: read });
    // The virtual file's own syntax error ("output" without a name) is its first problem.
    assert.deepEqual(result.diagnostics.map((d) => d.code), [Code.SubgraphHasErrors, Code.MissingSubgraphArgument, Code.UnknownSubgraphArgument]);
  });
});

describe("pin", () => {
  test("a pin path is resolved from the graph's folder and kept out of the options", () => {
    const a = model(lines(...header, 'node a = fetchOrder(id) [pin: "./pins/a.json", retry: 1]')).nodesByName.get("a");
    assert.equal(a?.pin, fixturePath("graph", "fixtures", "checker", "pins", "a.json"));
    assert.deepEqual(a?.options, { retry: 1, backoffMs: 0 });
  });
  test("a pin value that is not a string", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id) [pin: 5s]", 'node b = fetchOrder(id) [pin: ""]')), [`5:31 ${Code.BadOptionValue}`, `6:31 ${Code.BadOptionValue}`]);
  });
  test("pin on a loop is an unknown loop option", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)", 'loop l { a } [pin: "x.json"]')), [`6:15 ${Code.UnknownOption}`]);
  });
});
