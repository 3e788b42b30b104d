// A deployed version verifies only with the key that signed it and only unchanged.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PRODUCTION_GRAPH_FORMAT, type ProductionGraph } from "../../src/production/production-graph";
import { readPointer, sha256, signPointer, signVersion, verifyPointer, verifyVersion, VersionRefusedError } from "../../src/production/signed-version";

const graph: ProductionGraph = { format: PRODUCTION_GRAPH_FORMAT, name: "g", inputs: [], outputs: [], nodes: [], loops: [], entryLoops: [], lastLoops: [] };
const artifact = "module.exports = { m0: { f: () => 1 } };";
const key = "a-deploy-key-of-some-length";
const signed = signVersion({ graph, version: 4, createdAt: 1, artifactSha256: sha256(artifact) }, artifact, key);

test("a version verifies with its key", () => {
  assert.equal(verifyVersion(signed, key, "g", 4).version, 4);
});

test("a changed artifact, a changed manifest, another key, or another version number is refused", () => {
  assert.throws(() => verifyVersion({ ...signed, artifact: artifact.replace("1", "2") }, key, "g", 4), VersionRefusedError);
  assert.throws(() => verifyVersion({ ...signed, manifest: signed.manifest.replace('"version":4', '"version":5') }, key, "g", 5), VersionRefusedError);
  assert.throws(() => verifyVersion(signed, `${key}x`, "g", 4), /does not verify with this deploy key/);
  assert.throws(() => verifyVersion({ ...signed, signature: "00" }, key, "g", 4), VersionRefusedError);
  // Stored under another number (a replayed old version) or for another graph.
  assert.throws(() => verifyVersion(signed, key, "g", 7), /holds version 4/);
  assert.throws(() => verifyVersion(signed, key, "other", 4), /holds version 4 of 'g'/);
});

test("an active-version pointer verifies with its key, for its graph, unchanged", () => {
  const pointer = signPointer("g", { version: 3, sequence: 5 }, key);
  assert.deepEqual(verifyPointer(pointer, "g", key), { version: 3, sequence: 5 });
  assert.throws(() => verifyPointer(pointer, "g", `${key}x`), /does not verify with this deploy key/);
  assert.throws(() => verifyPointer(pointer, "other", key), /does not verify/);
  assert.throws(() => verifyPointer(pointer.replace('"sequence":5', '"sequence":9'), "g", key), /does not verify/);
  assert.throws(() => verifyPointer(pointer.replace('"version":3', '"version":2'), "g", key), /does not verify/);
  for (const text of ["3", "", "{}", '{"version":3,"sequence":5}', '{"version":"3","sequence":5,"signature":"00"}']) {
    assert.throws(() => readPointer(text, "g"), /is not a signed pointer/, text);
  }
  assert.equal(readPointer(pointer, "g").version, 3);
});
