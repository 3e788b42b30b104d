// A dead-letter record carries what a replay needs (dead-record.ts): the job as it entered the
// loop, and the outputs the loop computed for it before it died, encoded as production holds
// them; within a size limit beyond which the outputs, then the job's state as JSON, are left
// out, and the record says so. The job as it entered stays: `dead retry` puts it back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEAD_RECORD_LIMIT_BYTES, deadLetter, heldJob, loopOutputs, type DeadRecord } from "../../src/production/dead-record";
import { byName, type JobMessage } from "../../src/production/job-message";
import { decodeValue, encodeValue } from "../../src/runtime/values";

const failure = { node: "checked", attempts: 2, error: "refusing 13" };

function job(values: Record<string, unknown>): JobMessage {
  return { id: "7", v: 3, t: 1, q: 2, values: Object.assign(byName<string>(), Object.fromEntries(Object.entries(values).map(([name, value]) => [name, encodeValue(value)]))), failed: { checked: 1 } };
}

function recordOf(entered: JobMessage, values: Record<string, string>): { record: DeadRecord; text: string } {
  const { record } = deadLetter("second", entered, failure, { ...heldJob(entered, values), outputs: loopOutputs(entered, values) });
  return { record: JSON.parse(record) as DeadRecord, text: record };
}

test("the outputs a loop computed before the job died are recorded encoded (a Date stays a Date); its map elements and what it entered with are not repeated", () => {
  const entered = job({ a: 13, poison: 13 });
  const values = Object.assign(byName<string>(), entered.values, { info: encodeValue({ at: new Date(Date.UTC(2026, 0, 1)), tags: new Set(["x"]) }), "mapped#0": encodeValue(1) });
  const { record } = recordOf(entered, values);
  assert.deepEqual(Object.keys(record.outputs ?? {}), ["info"]);
  assert.deepEqual(decodeValue((record.outputs as Record<string, string>).info), { at: new Date(Date.UTC(2026, 0, 1)), tags: new Set(["x"]) });
  assert.equal(record.outputsLeftOut, undefined);
  // The job as it entered the loop, without its failed attempts, for `dead retry`.
  const back = JSON.parse(record.job) as JobMessage;
  assert.deepEqual(back.values, { a: encodeValue(13), poison: encodeValue(13) });
  assert.equal(back.failed, undefined);
  assert.deepEqual(record.state, { a: 13, poison: 13, info: { at: "2026-01-01T00:00:00.000Z", tags: ["x"] }, "mapped#0": 1 });
});

test("a record that would pass the limit leaves the outputs out and names them; the job as it entered stays", () => {
  const entered = job({ size: 2_000_000 });
  const values = Object.assign(byName<string>(), entered.values, { big: encodeValue("x".repeat(DEAD_RECORD_LIMIT_BYTES)), small: encodeValue(5) });
  const { record, text } = recordOf(entered, values);
  assert.ok(Buffer.byteLength(text) <= DEAD_RECORD_LIMIT_BYTES, `${Buffer.byteLength(text)} bytes`);
  assert.equal(record.outputs, undefined);
  assert.deepEqual(record.outputsLeftOut, ["big", "small"]);
  assert.deepEqual(record.state, { size: 2_000_000, big: "(left out: over the dead-letter record's limit)", small: "(left out: over the dead-letter record's limit)" });
  assert.equal((JSON.parse(record.job) as JobMessage).values.size, encodeValue(2_000_000));
  assert.equal(record.stateLeftOut, undefined);
});

test("a job that entered the loop with more than the limit keeps it (the queue held it already); its state as JSON is left out", () => {
  const entered = job({ text: "y".repeat(DEAD_RECORD_LIMIT_BYTES) });
  const values = Object.assign(byName<string>(), entered.values, { length: encodeValue(DEAD_RECORD_LIMIT_BYTES) });
  const { record, text } = recordOf(entered, values);
  assert.equal(record.stateLeftOut, true);
  assert.deepEqual(record.state, {});
  assert.deepEqual(record.outputsLeftOut, ["length"]);
  assert.equal((JSON.parse(record.job) as JobMessage).values.text, entered.values.text);
  // Only the job itself is past the limit.
  assert.ok(Buffer.byteLength(text) <= DEAD_RECORD_LIMIT_BYTES + Buffer.byteLength(record.job) + 64);
});

test("a job that died with nothing computed in its loop (its worker died) records no outputs", () => {
  const entered = job({ n: 3 });
  const { record } = recordOf(entered, {});
  assert.deepEqual(record.outputs, {});
  assert.equal(record.outputsLeftOut, undefined);
});
