// The text of a job's message to a loop, written field by field (job-message.ts): it must say
// what JSON.stringify of the message object says, for every kind of head and value name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { byName, messageText, parseJobMessage, pick, type MessageHead } from "../../src/production/job-message";

/** The message as it was written before: the object, stringified. */
function stringified(head: MessageHead, values: Record<string, string>, names: readonly string[]): string {
  const { s, b, ...rest } = head;
  return JSON.stringify({ id: rest.id, v: rest.v, ...(b === undefined ? {} : { b }), t: rest.t, q: rest.q, values: pick(values, names), ...(s === undefined || s.length === 0 ? {} : { s }) });
}

test("a message's text is the JSON of the message, whatever its head and the names of its values", () => {
  const values = Object.assign(byName<string>(), {
    n: "[5]",
    quote: '["say \\"hi\\"\\n"]',
    unicode: '["\u2028é✓"]',
    ["__proto__"]: "[1]",
    constructor: "[2]",
    toString: "[3]",
    "map#3": "[4]",
  });
  const heads: MessageHead[] = [
    { id: "17", v: 3, t: 1_796_225_129_001, q: 1_796_225_129_002 },
    { id: "17@2", v: 12, b: "batch-1", t: 0, q: 5 },
    { id: "x\"y", v: 1, t: 1, q: 2, s: ["skipped", "__proto__"] },
    { id: "1", v: 1, t: 1, q: 2, s: [] },
  ];
  const nameLists = [[], ["n"], ["n", "missing", "quote", "unicode"], ["__proto__", "constructor", "toString", "map#3"]];
  for (const head of heads) {
    for (const names of nameLists) {
      const text = messageText(head, values, names);
      assert.equal(text, stringified(head, values, names), `${JSON.stringify(head)} ${names.join(",")}`);
      const parsed = parseJobMessage(text);
      assert.deepEqual(Object.keys(parsed.values).sort(), names.filter((name) => name !== "missing").sort());
      for (const name of Object.keys(parsed.values)) assert.equal(parsed.values[name], values[name]);
    }
  }
});
