// The production view's rows, from what the CLI prints (the JSON each command writes, typed
// where the CLI's own types exist), and a part the CLI cannot read.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nodeAtLine, nodeNames } from "../../../src/extension/node-at-line";
import { productionRedis } from "../../../src/extension/production-arguments";
import type { CliResult } from "../../../src/extension/run-cli";
import { parseCaptures, parseDeadJobs, parseGraphList, readProductionSnapshot } from "../../../src/extension/views/production-snapshot";
import { loopDescription, productionRowOf, productionRows, type ProductionRow } from "../../../src/extension/views/production-tree";
import type { GraphStatus } from "../../../src/production/queue-manager";

const counters = { waiting: 2, delayed: 0, inFlight: 1, done: 7, failed: 1, dead: 1, workers: 2, throughput: 2.46, latencyMs: 120 };
const status: GraphStatus = { graph: "orders", activeVersion: 3, submitted: 10, completed: 8, dead: 1, partitions: 1, loops: [{ name: "intake", ...counters, partitions: [{ partition: 0, ...counters }] }] };
const deadRecords = [
  { id: "4", loop: "intake", version: 3, diedAt: 1000, node: "quote", attempts: 3, error: "no VAT rates for country \"XX\"\n    at priceLines", state: {}, job: "{}" },
  { id: "9", loop: "intake", version: 3, diedAt: 2000, node: "lines", element: 1, attempts: 1, error: "out of stock", state: {}, job: "{}" },
];
const captures = [
  {
    id: "c1",
    node: "quote",
    count: 10,
    recorded: 2,
    where: 'customer.country == "DE"',
    expiresInMs: 590_000,
    records: [
      { job: "2", node: "quote", worker: "w-1", attempt: 1, at: "2026-12-03T06:00:00.000Z", durationMs: 0.4, args: [[1], { currency: "EUR" }, "DE"], output: { grossCents: 100 } },
      { job: "3", node: "quote", worker: "w-1", attempt: 1, at: "2026-12-03T06:00:01.000Z", durationMs: 0.2, args: [[], {}, "DE"], error: { message: "boom\nstack" } },
    ],
  },
];

const ok = (value: unknown): CliResult => ({ exitCode: 0, stdout: `${JSON.stringify(value)}\n`, stderr: "" });

/** Answers as the CLI would, by command. */
function fakeCli(answers: Record<string, CliResult>): (args: string[]) => Promise<CliResult> {
  return (args) => Promise.resolve(answers[args[0] === "dead" ? "dead" : args[0]] ?? { exitCode: 2, stdout: "", stderr: `stepgraph: unknown command ${args[0]}\n` });
}

function find(rows: ProductionRow[], id: string): ProductionRow | undefined {
  for (const row of rows) {
    if (row.id === id) return row;
    const inside = find(row.children ?? [], id);
    if (inside) return inside;
  }
  return undefined;
}

const redis = productionRedis("redis://:secret@127.0.0.1:6390", undefined);

describe("the production view's snapshot and rows", () => {
  test("a graph with its version, its loops' counters, its dead jobs (newest first) and its capture point's records", async () => {
    const snapshot = await readProductionSnapshot(fakeCli({ graphs: ok([{ graph: "orders", activeVersion: 3 }]), status: ok(status), dead: ok(deadRecords), captures: ok(captures) }), redis);
    const rows = productionRows(snapshot, redis.label);
    assert.deepEqual(rows.map((r) => [r.label, r.description]), [["orders", "version 3"]]);
    const graph = rows[0];
    assert.deepEqual(graph.children?.map((r) => [r.kind, r.label, r.description]), [
      ["loop", "intake", "waiting 2 · in flight 1 · done 7 · failed 1 · dead 1 · 2 workers · 2.5 jobs/s"],
      ["deadJobs", "Dead jobs", "2"],
      ["captures", "Capture points", "1"],
    ]);
    const dead = find(rows, "graph:orders:dead")?.children ?? [];
    assert.deepEqual(dead.map((r) => [r.kind, r.label, r.description, r.job, r.graph]), [
      ["deadJob", "job 9", "lines[1]: out of stock", "9", "orders"],
      ["deadJob", "job 4", 'quote: no VAT rates for country "XX"', "4", "orders"],
    ]);
    assert.equal(dead[1].tooltip, 'job 4 died in loop intake at node quote after 3 attempts: no VAT rates for country "XX"');
    const point = find(rows, "graph:orders:capture:c1");
    assert.deepEqual([point?.label, point?.description], ["quote", '2 of 10 recorded · where customer.country == "DE"']);
    assert.deepEqual(point?.children?.map((r) => [r.label, r.description, r.icon]), [
      ["job 2", 'quote([1], {"currency":"EUR"}, "DE") = {"grossCents":100}', "pass"],
      ["job 3", 'quote([], {}, "DE") failed: boom', "error"],
    ]);
    // A row handed back by VS Code to a command is recognised; anything else is not.
    assert.equal(productionRowOf(dead[0])?.job, "9");
    assert.equal(productionRowOf({ job: "9" }), undefined);
    assert.equal(productionRowOf("9"), undefined);
  });

  test("a part the CLI cannot read is a problem row of its graph; the rest is still shown", async () => {
    const snapshot = await readProductionSnapshot(
      fakeCli({ graphs: ok([{ graph: "orders", activeVersion: 3 }]), status: ok(status), dead: { exitCode: 2, stdout: "", stderr: "stepgraph: dead: NOPERM this user has no permissions to run the 'hgetall' command\n" } }),
      redis,
    );
    const rows = productionRows(snapshot, redis.label);
    const problems = rows[0].children?.filter((r) => r.kind === "problem").map((r) => r.label);
    assert.deepEqual(problems, ["cannot read its dead jobs: stepgraph: dead: NOPERM this user has no permissions to run the 'hgetall' command", "cannot read its capture points: stepgraph: unknown command captures"]);
    assert.ok(rows[0].children?.some((r) => r.kind === "loop"));
  });

  test("no Redis: one row saying where and why, the password left out; no graph deployed: one row saying so", async () => {
    const down = await readProductionSnapshot(fakeCli({ graphs: { exitCode: 2, stdout: "", stderr: "stepgraph: cannot reach Redis at redis://127.0.0.1:6390: connect ECONNREFUSED\n" } }), redis);
    const [row] = productionRows(down, redis.label);
    assert.equal(row.kind, "problem");
    assert.equal(row.label, "Cannot read production at redis://:***@127.0.0.1:6390");
    assert.doesNotMatch(JSON.stringify(row), /secret/);
    assert.match(row.description ?? "", /ECONNREFUSED/);
    const empty = productionRows(await readProductionSnapshot(fakeCli({ graphs: ok([]) }), redis), redis.label);
    // A group shown empty has another id than once it has rows, so that VS Code expands it then.
    const quiet = productionRows(await readProductionSnapshot(fakeCli({ graphs: ok([{ graph: "orders", activeVersion: 3 }]), status: ok(status), dead: ok([]), captures: ok([]) }), redis), redis.label);
    assert.deepEqual(quiet[0].children?.filter((r) => r.kind === "deadJobs" || r.kind === "captures").map((r) => [r.id, r.expanded]), [["graph:orders:dead:empty", false], ["graph:orders:captures:empty", false]]);
    assert.deepEqual(empty.map((r) => [r.kind, r.label]), [["message", "No graph is deployed to redis://:***@127.0.0.1:6390"]]);
  });

  test("what is not the expected JSON is not taken for it", () => {
    assert.equal(parseGraphList('{"graph":"orders"}'), undefined);
    assert.equal(parseGraphList('[{"name":"orders"}]'), undefined);
    assert.equal(parseDeadJobs('[{"id":4,"node":"quote"}]'), undefined);
    assert.equal(parseCaptures('[{"id":"c1"}]'), undefined);
    assert.deepEqual(parseGraphList('notice\n[{"graph":"a","activeVersion":1}]'), ["a"]);
  });

  test("a loop's counters: one worker, and counters an older CLI leaves out", () => {
    assert.equal(loopDescription({ name: "billing", workers: 1 }), "waiting 0 · in flight 0 · done 0 · failed 0 · dead 0 · 1 worker · 0 jobs/s");
  });
});

test("the node under the cursor, through the one parser", () => {
  const text = ["graph g", 'use "./m.ts"', "input n", "node a = f(n)", "node b = g(", "  a)", "// c"].join("\n");
  assert.equal(nodeAtLine(text, 3), "a");
  assert.equal(nodeAtLine(text, 5), "b");
  assert.equal(nodeAtLine(text, 6), undefined);
  assert.deepEqual(nodeNames(text), ["a", "b"]);
});
