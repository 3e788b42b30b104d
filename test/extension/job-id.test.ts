// Retry Job's job id: from the command's argument (the production view passes one), else
// typed in and checked as the CLI would check it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { jobIdArgument, jobIdProblem } from "../../src/extension/job-id";

test("an argument that is a job id is taken as it is: a string, a number, or an object with a job", () => {
  assert.equal(jobIdArgument("17"), "17");
  assert.equal(jobIdArgument(" 17@3 "), "17@3");
  assert.equal(jobIdArgument(17), "17");
  assert.equal(jobIdArgument({ job: "4@1" }), "4@1");
  assert.equal(jobIdArgument({ job: 4 }), "4");
});

test("anything else is no argument: the command asks", () => {
  for (const argument of [undefined, null, "", "seven", -1, 1.5, {}, { job: "x" }, ["17"]]) assert.equal(jobIdArgument(argument), undefined, JSON.stringify(argument));
});

test("a typed id is checked as the CLI checks it", () => {
  assert.equal(jobIdProblem("17"), undefined);
  assert.equal(jobIdProblem(" 17@3 "), undefined);
  assert.match(jobIdProblem("seven") ?? "", /A job id, as Submit Job and the dead-letter list show it: 17, or 17@3/);
  assert.match(jobIdProblem("") ?? "", /A job id/);
});
