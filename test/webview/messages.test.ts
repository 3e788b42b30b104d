// The messages the webview sends, checked by the extension before it acts on them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { webviewMessage } from "../../src/webview/messages";

describe("webviewMessage", () => {
  test("ready, reveal of a line, production on or off", () => {
    assert.deepEqual(webviewMessage({ type: "ready" }), { type: "ready" });
    assert.deepEqual(webviewMessage({ type: "reveal", line: 12, extra: true }), { type: "reveal", line: 12 });
    assert.deepEqual(webviewMessage({ type: "production", on: true }), { type: "production", on: true });
  });

  test("anything else is no message", () => {
    for (const value of [null, "ready", 3, {}, { type: "reveal" }, { type: "reveal", line: -1 }, { type: "reveal", line: 1.5 }, { type: "reveal", line: "3" }, { type: "production" }, { type: "run" }]) {
      assert.equal(webviewMessage(value), undefined, JSON.stringify(value));
    }
  });
});
