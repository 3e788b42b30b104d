// Reading `stepgraph submit --wait --json`, and the JSON typed in for a job's input.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { jobInputProblem } from "../../src/extension/job-input-text";
import { isStillPending, jobDetails, jobMessage, parseJobOutcomes } from "../../src/extension/submit-result";

describe("parseJobOutcomes", () => {
  test("one outcome per job line; ids may be numbers", () => {
    const stdout = '{"id":"1","status":"done","result":{"quote":{"total":42}}}\n{"id":2,"status":"dead","error":"boom"}\n';
    assert.deepEqual(parseJobOutcomes(stdout), [
      { id: "1", status: "done", result: { quote: { total: 42 } }, error: undefined },
      { id: "2", status: "dead", result: undefined, error: "boom" },
    ]);
  });

  test("lines of another shape are skipped", () => {
    assert.deepEqual(parseJobOutcomes('submitted 1 job\n{"id":"1","status":"waiting"}\n{"status":"done"}\n'), []);
  });
});

describe("jobMessage and jobDetails", () => {
  test("a done job: its status, and the graph's outputs as JSON", () => {
    const [job] = parseJobOutcomes('{"id":"1","status":"done","result":{"quote":{"total":42}}}');
    assert.equal(jobMessage("orders", job), "Job 1 of orders: done");
    assert.equal(jobDetails(job), '{\n  "quote": {\n    "total": 42\n  }\n}');
  });

  test("a dead job: the node and the first line of its error", () => {
    const [job] = parseJobOutcomes(JSON.stringify({ id: "7", status: "dead", error: { node: "quote", message: "TypeError: x is undefined\n    at priceLines", attempts: 3 } }));
    assert.equal(jobMessage("orders", job), "Job 7 of orders: dead (node quote: TypeError: x is undefined)");
    assert.match(jobDetails(job), /"attempts": 3/);
    assert.equal(jobMessage("orders", { id: "8", status: "dead", error: "timed out" }), "Job 8 of orders: dead (timed out)");
    assert.equal(jobMessage("orders", { id: "9", status: "dead" }), "Job 9 of orders: dead (no error given)");
  });

  test("a done job without outputs has no details", () => {
    assert.equal(jobDetails({ id: "1", status: "done" }), "");
  });
});

test("isStillPending: the CLI's --timeout ran out before the job finished", () => {
  assert.equal(isStillPending({ exitCode: 1, stdout: "", stderr: "stepgraph: 1 job still pending after 60 s: 1f2e\n" }), true);
  assert.equal(isStillPending({ exitCode: 1, stdout: '{"id":"1","status":"dead","error":{}}\n', stderr: "" }), false);
  assert.equal(isStillPending({ exitCode: 2, stdout: "", stderr: "stepgraph: submit: graph 'orders' has no deployed version\n" }), false);
});

describe("jobInputProblem", () => {
  test("a JSON object is a job's input", () => {
    assert.equal(jobInputProblem("{}"), undefined);
    assert.equal(jobInputProblem(' {"order": {"id": 1}} '), undefined);
  });

  test("anything else says why", () => {
    assert.match(jobInputProblem("{order: 1}") ?? "", /^Not JSON: /);
    assert.match(jobInputProblem("") ?? "", /^Not JSON: /);
    for (const text of ["[]", "1", "null", '"x"']) assert.match(jobInputProblem(text) ?? "", /^A JSON object/, text);
  });
});
