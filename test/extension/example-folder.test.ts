// Where Open Example puts the orders example: copied into the picked folder as orders/,
// never over anything, and found again when it is already there. Real folders in a temp dir.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, test } from "node:test";
import { isExampleGraph, placeExample } from "../../src/extension/example-folder";
import { repoRoot } from "../helpers";

const example = join(repoRoot, "examples", "orders");
const scratch = mkdtempSync(join(tmpdir(), "stepgraph-example-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
function freshFolder(): string {
  const dir = join(scratch, `picked-${++count}`);
  mkdirSync(dir);
  return dir;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe("placeExample", () => {
  test("copies the whole example into PICKED/orders", () => {
    const picked = freshFolder();
    const placement = placeExample(example, picked);
    assert.deepEqual(placement, { ok: true, folder: join(picked, "orders"), graphFile: join(picked, "orders", "orders.graph"), copied: true });
    assert.deepEqual(filesBelow(join(picked, "orders")), filesBelow(example).filter((file) => !file.startsWith(".stepgraph")));
    assert.ok(filesBelow(join(picked, "orders")).includes(join("nodes", "pricing.ts")));
    assert.equal(readFileSync(join(picked, "orders", "input.json"), "utf8"), readFileSync(join(example, "input.json"), "utf8"));
  });

  test("a second time it finds the copy and leaves it as the user edited it", () => {
    const picked = freshFolder();
    placeExample(example, picked);
    const graph = join(picked, "orders", "orders.graph");
    writeFileSync(graph, `${readFileSync(graph, "utf8")}\n// my edit\n`);
    assert.deepEqual(placeExample(example, picked), { ok: true, folder: join(picked, "orders"), graphFile: graph, copied: false });
    assert.match(readFileSync(graph, "utf8"), /\/\/ my edit\n$/);
  });

  test("picking the example's folder itself opens it there", () => {
    const picked = freshFolder();
    placeExample(example, picked);
    const folder = join(picked, "orders");
    assert.deepEqual(placeExample(example, folder), { ok: true, folder, graphFile: join(folder, "orders.graph"), copied: false });
    assert.equal(existsSync(join(folder, "orders")), false);
  });

  test("an orders/ folder holding something else is refused and left untouched", () => {
    const picked = freshFolder();
    mkdirSync(join(picked, "orders"));
    writeFileSync(join(picked, "orders", "orders.graph"), "graph invoices\n");
    const placement = placeExample(example, picked);
    assert.equal(placement.ok, false);
    assert.equal(placement.ok ? "" : placement.message, `Stepgraph: ${join(picked, "orders")} exists and does not hold the orders example; pick another folder.`);
    assert.deepEqual(filesBelow(join(picked, "orders")), ["orders.graph"]);
    assert.equal(readFileSync(join(picked, "orders", "orders.graph"), "utf8"), "graph invoices\n");
  });

  test("a copy that fails says why, in one line", () => {
    const notAFolder = join(freshFolder(), "file.txt");
    writeFileSync(notAFolder, "");
    const placement = placeExample(example, notAFolder);
    assert.equal(placement.ok, false);
    assert.match(placement.ok ? "" : placement.message, /^Stepgraph: the example could not be copied to .*file\.txt[/\\]orders: \S.*$/);
  });

  test("a development checkout's .stepgraph/ (bundles, a private Redis's data) is not copied", () => {
    const source = join(freshFolder(), "orders");
    cpSync(example, source, { recursive: true });
    mkdirSync(join(source, ".stepgraph", "redis"), { recursive: true });
    writeFileSync(join(source, ".stepgraph", "redis", "dump.rdb"), "x");
    const picked = freshFolder();
    assert.equal(placeExample(source, picked).ok, true);
    assert.equal(existsSync(join(picked, "orders", ".stepgraph")), false);
    assert.ok(existsSync(join(picked, "orders", "orders.graph")));
  });
});

describe("isExampleGraph", () => {
  test("orders.graph with `graph orders`, however edited; nothing else", () => {
    const dir = freshFolder();
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    assert.equal(isExampleGraph(join(example, "orders.graph")), true);
    assert.equal(isExampleGraph(write("orders.graph", "// mine now\ngraph orders\ninput x\n")), true);
    assert.equal(isExampleGraph(write("orders.graph", "graph invoices\n")), false);
    assert.equal(isExampleGraph(write("other.graph", "graph orders\n")), false);
    assert.equal(isExampleGraph(join(dir, "missing", "orders.graph")), false);
  });
});
