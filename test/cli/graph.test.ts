// `stepgraph graph`: run as a user runs it, from the shipped build (dist/cli.js, which
// loads elkjs from dist/elk.bundled.js).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, test } from "node:test";
import { fixturePath, repoRoot, runCli } from "../helpers";
import { findAll, hasClass, parseXml } from "../graph/picture-helpers";
import { runCliReportingLoads } from "./loaded-files";

const orders = "examples/orders/orders.graph";
const scratch = mkdtempSync(join(tmpdir(), "stepgraph-graph-"));
const broken = join(scratch, "broken.graph");
writeFileSync(broken, ["graph broken", `use "${fixturePath("graph", "fixtures", "checker", "nodes.ts")}"`, "node a = double(nope)", "output a"].join("\n"));

/** A user's mistake is one line on stderr, never a stack trace, and nothing on stdout. */
function assertOneClearLine(result: { stdout: string; stderr: string }, pattern: RegExp): void {
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.equal(result.stdout, "");
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe("stepgraph graph", () => {
  test("draws SVG to stdout by default: every node named, the loops framed", () => {
    const result = runCli(["graph", orders]);
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    const svg = parseXml(result.stdout);
    assert.deepEqual(
      findAll(svg, hasClass("sg-node")).map((g) => g.attributes["data-node"]),
      ["customer", "lines", "rates", "quote", "stock", "parcel", "accepted", "reservation", "invoice", "message"],
    );
    assert.deepEqual(findAll(svg, hasClass("sg-loop")).map((g) => g.attributes["data-loop"]), ["intake", "fulfilment", "billing"]);
    assert.equal(findAll(svg, (e) => e.tag === "style").length, 1, "a file's SVG carries its own colours");
  });

  test("the same file draws the same SVG every time", () => {
    assert.equal(runCli(["graph", orders]).stdout, runCli(["graph", orders]).stdout);
  });

  test("--format dot and --format mermaid", () => {
    const dot = runCli(["graph", orders, "--format", "dot"]);
    assert.equal(dot.status, 0);
    assert.match(dot.stdout, /^digraph "orders" \{\n/);
    assert.match(dot.stdout, /subgraph "cluster_fulfilment"/);
    const mermaid = runCli(["graph", "--format=mermaid", orders]);
    assert.equal(mermaid.status, 0);
    assert.match(mermaid.stdout, /^flowchart TD\n/);
    assert.match(mermaid.stdout, /\n {2}n_accepted --> n_reservation\n/);
  });

  test("--out F writes the picture to F and nothing to stdout", () => {
    const out = join(scratch, "orders.svg");
    const result = runCli(["graph", orders, "--out", out]);
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, "", ""]);
    assert.equal(readFileSync(out, "utf8"), runCli(["graph", orders]).stdout);
  });

  test("docs/images/orders.svg is what it draws now (npm run docs:images redraws it)", () => {
    assert.equal(readFileSync(join(repoRoot, "docs", "images", "orders.svg"), "utf8"), runCli(["graph", orders]).stdout);
  });

  test("a graph with errors: its diagnostics on stderr, nothing drawn, exit 1", () => {
    const result = runCli(["graph", broken]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, `${broken}:3:17: error SG011 unknown name 'nope': expected an input or node\n`);
  });

  describe("bad input: one clear line, exit 2", () => {
    const cases: [string, string[], RegExp][] = [
      ["an unknown format", ["graph", orders, "--format", "png"], /^stepgraph: graph: --format is svg, dot or mermaid, not 'png'$/],
      ["an unknown option", ["graph", orders, "--colour"], /^stepgraph: graph: Unknown option '--colour' \(see 'stepgraph graph --help'\)$/],
      ["--out without a file", ["graph", orders, "--out"], /^stepgraph: graph: Option '--out <value>' argument missing/],
      ["no file", ["graph"], /^stepgraph: graph: name one graph file/],
      ["two files", ["graph", orders, orders], /^stepgraph: graph: name one graph file/],
      ["a missing file", ["graph", join(scratch, "nope.graph")], /nope\.graph does not exist$/],
      ["a directory", ["graph", scratch], /is a directory, not a graph file$/],
      ["an --out in a missing folder", ["graph", orders, "--out", join(scratch, "no", "such", "x.svg")], /^stepgraph: graph: cannot write .*x\.svg: its folder does not exist$/],
      ["an --out that is a directory", ["graph", orders, "--out", scratch], /^stepgraph: graph: cannot write .*: it is a directory$/],
    ];
    for (const [name, args, pattern] of cases) {
      test(name, () => {
        const result = runCli(args);
        assertOneClearLine(result, pattern);
        assert.equal(result.status, 2);
      });
    }
  });

  test("is listed in stepgraph --help, and has its own --help", () => {
    assert.match(runCli(["--help"]).stdout, /\n {2}graph +draw a graph as SVG, Graphviz DOT or Mermaid\n/);
    const help = runCli(["graph", "--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: stepgraph graph FILE \[--format svg\|dot\|mermaid\] \[--out F\]/);
  });
});

describe("elkjs in the shipped build", () => {
  /** The copies of elkjs a command loads. */
  const loadedElk = (args: string[]): string[] => {
    const result = runCliReportingLoads(args);
    assert.equal(result.status, 0, result.stderr);
    return result.loaded.filter((file) => basename(file).includes("elk"));
  };

  test("is one file, dist/elk.bundled.js, the copy of the package's", () => {
    assert.deepEqual(readFileSync(join(repoRoot, "dist", "elk.bundled.js")), readFileSync(join(repoRoot, "node_modules", "elkjs", "lib", "elk.bundled.js")));
    assert.doesNotMatch(readFileSync(join(repoRoot, "dist", "cli-main.js"), "utf8"), /org\.eclipse\.elk\.alg/, "the CLI bundles no copy of its own");
  });

  test("stepgraph graph loads it from dist/, stepgraph --version and check not at all", () => {
    assert.deepEqual(loadedElk(["graph", orders]), [join(repoRoot, "dist", "elk.bundled.js")]);
    assert.deepEqual(loadedElk(["graph", orders, "--format", "dot"]), []);
    assert.deepEqual(loadedElk(["--version"]), []);
    assert.deepEqual(loadedElk(["check", orders]), []);
  });
});
