// The loops' production figures as the view writes them: into framed loops, and for a loop
// without a frame (the implicit main loop alone) into the toolbar.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loopStatsTexts } from "../../src/webview/loop-stats";
import { STRINGS } from "./strings";

describe("loopStatsTexts", () => {
  test("each framed loop's figures; a framed loop the status does not list is blank", () => {
    const texts = loopStatsTexts(
      [
        { name: "intake", waiting: 3, inFlight: 1, rate: 2.5 },
        { name: "billing", waiting: 0, inFlight: 0, rate: 0 },
      ],
      ["intake", "fulfilment", "billing"],
      STRINGS,
    );
    assert.deepEqual([...texts.frames], [
      ["intake", "3 waiting · 1 in flight · 2.5 jobs/s"],
      ["fulfilment", ""],
      ["billing", "0 waiting · 0 in flight · 0 jobs/s"],
    ]);
    assert.equal(texts.unframed, "");
  });

  test("a loop drawn without a frame goes to the toolbar", () => {
    const texts = loopStatsTexts([{ name: "main", waiting: 12, inFlight: 4, rate: 7.1 }], [], STRINGS);
    assert.equal(texts.frames.size, 0);
    assert.equal(texts.unframed, "loop main: 12 waiting · 4 in flight · 7.1 jobs/s");
  });

  test("no figures: every frame blank", () => {
    assert.deepEqual([...loopStatsTexts(null, ["a"], STRINGS).frames], [["a", ""]]);
  });
});
