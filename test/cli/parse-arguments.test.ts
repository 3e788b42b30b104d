// The subcommands' argument parsing: a negative number after an option that takes a value is
// that option's value (parseArgs alone calls it ambiguous), so the option's own check answers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/cli/command";
import { parseArguments } from "../../src/cli/parse-arguments";
import { assertBadInput, runCli } from "../helpers";

const options = { count: { type: "string" }, json: { type: "boolean" } } as const;

test("a negative number after an option that takes a value is its value; elsewhere arguments are as given", () => {
  assert.deepEqual(parseArguments("x", ["--count", "-1", "a"], options).values.count, "-1");
  assert.deepEqual(parseArguments("x", ["--count=-2"], options).values.count, "-2");
  assert.deepEqual(parseArguments("x", ["a", "--", "-3"], options).positionals, ["a", "-3"]);
  // After a boolean option a dash still starts an option: unknown here.
  assert.throws(() => parseArguments("x", ["--json", "-1"], options), (e: unknown) => e instanceof UserError && /x: Unknown option '-1'/.test(e.message));
});

test("the CLI answers a negative count with the option's own message, in one line", () => {
  assertBadInput(runCli(["captures", "orders", "--records", "-3"]), /^stepgraph: captures: --records must be a whole number of 0 or more, not '-3'\n$/);
});
