// What a capture record holds, within its documented limits (docs/production.md, "Capture
// points"), and how the command shows it; which conditions a capture point takes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureRecordJson, captureRecordLine } from "../../src/cli/capture-output";
import { CAPTURE_VALUE_LIMIT_BYTES, CaptureTable, captureRecordText, parseCaptureDefinition, parseCaptureRecord, parseWhere, type CaptureRecord, type CapturedCall, type LiveCapture } from "../../src/production/capture-point";
import type { ProductionNode } from "../../src/production/production-graph";
import { encodeValue } from "../../src/runtime/values";

function call(args: unknown[], outcome: CapturedCall["outcome"]): CapturedCall {
  return { jobId: "7", attempt: 2, args, outcome, durationMs: 1.23456 };
}

test("a record keeps the arguments and output encoded (a Date stays a Date), and shows them as JSON", () => {
  const at = new Date("2026-01-02T03:04:05.000Z");
  const output = { when: at, tags: new Set(["x"]) };
  const record = JSON.parse(captureRecordText("b", "w1", call([5, at], { ok: true, value: output, encoded: encodeValue(output) }))) as CaptureRecord;
  assert.deepEqual([record.job, record.node, record.worker, record.attempt, record.durationMs], ["7", "b", "w1", 2, 1.235]);
  const shown = captureRecordJson(record);
  assert.deepEqual(shown.args, [5, "2026-01-02T03:04:05.000Z"]);
  assert.deepEqual(shown.output, { when: "2026-01-02T03:04:05.000Z", tags: ["x"] });
  assert.equal(captureRecordLine(record), 'job 7 on w1 (attempt 2, 1.235 ms): b(5, "2026-01-02T03:04:05.000Z") = {"when":"2026-01-02T03:04:05.000Z","tags":["x"]}');
});

test("values over the limit are left out with their size; an error's message is cut at the limit", () => {
  const big = "x".repeat(CAPTURE_VALUE_LIMIT_BYTES + 10);
  const record = JSON.parse(captureRecordText("b", "w1", call([big], { ok: true, value: big, encoded: encodeValue(big) }))) as CaptureRecord;
  assert.equal(record.args, undefined);
  assert.equal(record.output, undefined);
  assert.ok((record.argsBytes ?? 0) > CAPTURE_VALUE_LIMIT_BYTES);
  assert.ok((record.outputBytes ?? 0) > CAPTURE_VALUE_LIMIT_BYTES);
  assert.deepEqual(captureRecordJson(record).args, { leftOut: record.argsBytes });
  assert.match(captureRecordLine(record), /b\(\{"leftOut":\d+\}\) = \(left out: \d+ bytes\)$/);
  const failed = JSON.parse(captureRecordText("b", "w1", call([1], { ok: false, kind: "error", error: { message: big } }))) as CaptureRecord;
  assert.equal(failed.error?.message.length, CAPTURE_VALUE_LIMIT_BYTES);
  assert.equal(failed.output, undefined);
});

test("--where may read only what the node reads; the table records a call for each point whose condition holds", () => {
  const node = { name: "b", args: [{ kind: "node", name: "a", path: [], text: "a" }] } as unknown as ProductionNode;
  assert.deepEqual(parseWhere("n > 1", node), { problem: "--where reads 'n', which node 'b' does not read (it reads: a)" });
  assert.match((parseWhere("a >", node) as { problem: string }).problem, /^--where: expected .* at column 4$/);
  const where = parseWhere("a > 4", node);
  assert.ok("condition" in where);
  const recorded: string[] = [];
  const table = new CaptureTable((point: LiveCapture) => recorded.push(point.id));
  assert.equal(table.byNode.size, 0);
  table.add("p1", "b", where.condition, 10);
  table.add("p2", "b", undefined, 10);
  const points = table.byNode.get("b") ?? [];
  table.record(points, "b", (name) => (name === "a" ? 3 : undefined), call([3], { ok: true, value: 6, encoded: encodeValue(6) }));
  table.record(points, "b", (name) => (name === "a" ? 5 : undefined), call([5], { ok: true, value: 10, encoded: encodeValue(10) }));
  assert.deepEqual(recorded, ["p2", "p1", "p2"]);
  assert.equal(table.remove("p1"), true);
  assert.equal(table.remove("p2"), true);
  assert.equal(table.byNode.size, 0);
});

test("definitions and records read back from Redis: what a command and a worker wrote, nothing else (anyone may write to Redis)", () => {
  assert.deepEqual(parseCaptureDefinition('{"node":"b","count":3,"where":"a > 4"}'), { node: "b", count: 3, where: "a > 4" });
  assert.deepEqual(parseCaptureDefinition('{"node":"b","count":3}'), { node: "b", count: 3 });
  for (const text of ["", "nope", "null", "[]", '{"node":"b"}', '{"node":1,"count":3}', '{"node":"b","count":3,"where":5}']) assert.equal(parseCaptureDefinition(text), undefined, text);
  const text = captureRecordText("b", "w1", call([5], { ok: false, kind: "error", error: { message: "boom" } }));
  assert.deepEqual(parseCaptureRecord(text), JSON.parse(text));
  for (const bad of ["", "{}", "[1]", '{"job":"7","node":"b","worker":"w1","attempt":1,"at":"then","durationMs":1}', '{"job":"7","node":"b","worker":"w1","attempt":1,"at":1,"durationMs":1,"error":"boom"}']) assert.equal(parseCaptureRecord(bad), undefined, bad);
});
