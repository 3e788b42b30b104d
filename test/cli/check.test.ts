// `stepgraph check`: output formats and exit codes, run as a user runs it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fixturePath, runCli } from "../helpers";

const examples = ["examples/orders/orders.graph", "examples/text-enrichment/enrich.graph"];
const scratch = mkdtempSync(join(tmpdir(), "stepgraph-check-"));
const broken = join(scratch, "broken.graph");
writeFileSync(broken, ["graph broken", `use "${fixturePath("graph", "fixtures", "checker", "nodes.ts")}"`, "node a = double(nope)", "node b = double(a) [retries: 1]", "node c = double(a, 2)", "output b"].join("\n"));

/** A user's mistake is one line on stderr, never a stack trace. */
function assertOneClearLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

describe("stepgraph check", () => {
  test("the examples check clean: exit 0, no output", () => {
    const result = runCli(["check", ...examples]);
    assert.equal(result.stdout + result.stderr, "");
    assert.equal(result.status, 0);
  });

  test("errors and warnings print as file:line:col: severity CODE message, exit 1", () => {
    const result = runCli(["check", broken]);
    assert.equal(result.status, 1);
    assert.deepEqual(result.stdout.trim().split("\n"), [
      `${broken}:3:17: error SG011 unknown name 'nope': expected an input or node`,
      `${broken}:4:21: error SG030 unknown node option 'retries' (node options: cache, retry, backoff, timeout, pin)`,
      `${broken}:5:6: warning SG040 node 'c' is not used by any node and is not an output`,
      `${broken}:5:10: warning SG041 'double' declares 1 parameter but is called with 2 arguments`,
    ]);
  });

  test("warnings alone exit 0", () => {
    const file = join(scratch, "warn.graph");
    writeFileSync(file, ["graph w", `use "${fixturePath("graph", "fixtures", "checker", "nodes.ts")}"`, "node a = double(1)", "node b = double(a)", "node c = double(a)", "output b"].join("\n"));
    const result = runCli(["check", file]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /warning SG040/);
  });

  test("--format json gives every diagnostic with 1-based positions and the counts", () => {
    const result = runCli(["check", "--format", "json", broken, examples[0]]);
    assert.equal(result.status, 1);
    const report = JSON.parse(result.stdout);
    assert.equal(report.errors, 2);
    assert.equal(report.warnings, 2);
    assert.equal(report.files.length, 2);
    assert.deepEqual(report.files[0].diagnostics[0], {
      severity: "error",
      code: "SG011",
      message: "unknown name 'nope': expected an input or node",
      line: 3,
      column: 17,
      endLine: 3,
      endColumn: 21,
    });
    assert.deepEqual(report.files[1], { file: examples[0], diagnostics: [] });
  });

  describe("unusable input: one clear line, exit 2", () => {
    const cases: [string, () => string, RegExp][] = [
      ["a missing file", () => join(scratch, "nope.graph"), /nope\.graph does not exist$/],
      ["a directory", () => scratch, /is a directory, not a graph file$/],
      ["binary garbage", () => writeBytes("garbage.graph", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff, 0xfe])), /is a binary file, not a graph file/],
      ["invalid UTF-8", () => writeBytes("latin1.graph", Buffer.from("graph caf\xe9\n", "latin1")), /is not UTF-8 text$/],
      ["a 50 MB file", () => {
        const file = writeBytes("huge.graph", Buffer.from("graph huge\n"));
        truncateSync(file, 50 * 1024 * 1024);
        return file;
      }, /is 50\.0 MB; graph files are limited to 10 MB$/],
    ];
    for (const [name, make, pattern] of cases) {
      test(name, () => {
        const result = runCli(["check", make()]);
        assert.equal(result.status, 2);
        assert.equal(result.stdout, "");
        assertOneClearLine(result.stderr, pattern);
      });
    }

    test("other files are still checked when one is unusable", () => {
      const result = runCli(["check", join(scratch, "nope.graph"), broken]);
      assert.equal(result.status, 2);
      assert.match(result.stdout, /error SG011/);
      assertOneClearLine(result.stderr, /does not exist/);
    });
  });

  describe("pathological files: diagnostics, not a crash", () => {
    test("a literal nested 100,000 deep is one nesting error, exit 1, no stack trace", () => {
      const file = join(scratch, "deep.graph");
      writeFileSync(file, `graph deep\ninput a = ${"[".repeat(100_000)}\n`);
      const result = runCli(["check", file]);
      assert.equal(result.stderr, "");
      assert.equal(result.status, 1);
      assert.deepEqual(result.stdout.trim().split("\n"), [`${file}:2:111: error SG004 literal nested more than 100 deep`]);
    });

    test("6 MB of junk prints at most 500 problems and says how many more there are", () => {
      const file = join(scratch, "junk.graph");
      writeFileSync(file, "@ ".repeat(3_000_000));
      const result = runCli(["check", file]);
      assert.equal(result.stderr, "");
      assert.equal(result.status, 1);
      const lines = result.stdout.trim().split("\n");
      assert.equal(lines.length, 501);
      assert.match(lines[0], /junk\.graph:1:1: error SG001 unexpected character '@'/);
      assert.match(lines[500], /junk\.graph:1:\d+: error SG005 \d+ more problems not shown \(at most 500 are reported per file\)$/);
      const json = JSON.parse(runCli(["check", "--format", "json", file]).stdout);
      assert.equal(json.files[0].diagnostics.length, 501);
      assert.equal(json.files[0].diagnostics[500].code, "SG005");
    });
  });

  describe("usage mistakes: one clear line, exit 2", () => {
    const cases: [string, string[], RegExp][] = [
      ["no file", ["check"], /name at least one graph file/],
      ["an unknown option", ["check", "--colour", broken], /Unknown option '--colour'/],
      ["a bad format", ["check", "--format", "xml", broken], /--format is 'text' or 'json', not 'xml'/],
      ["an unknown command", ["chek"], /unknown command 'chek'/],
    ];
    for (const [name, args, pattern] of cases) {
      test(name, () => {
        const result = runCli(args);
        assert.equal(result.status, 2);
        assertOneClearLine(result.stderr, pattern);
      });
    }
  });

  test("--help prints the usage and exits 0", () => {
    const result = runCli(["check", "--help"]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: stepgraph check FILE/);
  });
});

function writeBytes(name: string, bytes: Buffer): string {
  const file = join(scratch, name);
  writeFileSync(file, bytes);
  return file;
}
