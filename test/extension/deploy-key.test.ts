// The extension and the command line take the same deploy key from the same text: both
// ignore surrounding whitespace, and both refuse the same keys.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deployKey as cliDeployKey } from "../../src/cli/production-options";
import { deployKeyProblem } from "../../src/extension/deploy-key-text";
import { storedDeployKey } from "../../src/production/signed-version";

const texts = ["a-deploy-key-of-some-length", "  a-deploy-key-of-some-length", "a-deploy-key-of-some-length\n", "\t a-deploy-key-of-some-length \r\n", `  ${"k".repeat(15)}  `, "   ", ""];

function viaCli(text: string): string | undefined {
  const saved = process.env.STEPGRAPH_DEPLOY_KEY;
  process.env.STEPGRAPH_DEPLOY_KEY = text;
  try {
    return cliDeployKey();
  } catch {
    return undefined;
  } finally {
    if (saved === undefined) delete process.env.STEPGRAPH_DEPLOY_KEY;
    else process.env.STEPGRAPH_DEPLOY_KEY = saved;
  }
}

test("the extension stores the key the command line reads from the same text, and refuses what it refuses", () => {
  for (const text of texts) {
    const extension = deployKeyProblem(text) === undefined ? storedDeployKey(text) : undefined;
    assert.equal(extension, viaCli(text), JSON.stringify(text));
  }
  assert.equal(viaCli("\t a-deploy-key-of-some-length \r\n"), "a-deploy-key-of-some-length");
});

test("the command line takes the key out of its environment once it has read it", () => {
  process.env.STEPGRAPH_DEPLOY_KEY = "a-deploy-key-of-some-length";
  assert.equal(cliDeployKey(), "a-deploy-key-of-some-length");
  assert.equal(process.env.STEPGRAPH_DEPLOY_KEY, undefined);
});
