// Reading `stepgraph deploy --json` and the message Deploy Graph shows for it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { jsonObjectLines, lastJsonValue } from "../../src/extension/cli-json";
import { deployedMessage, parseDeployResult } from "../../src/extension/deploy-result";

const deployJson = '{"graph":"orders","version":3,"loops":[{"name":"intake","workers":0},{"name":"billing","workers":1},{"name":"shipping","workers":2}]}';

describe("parseDeployResult", () => {
  test("the CLI's JSON object", () => {
    assert.deepEqual(parseDeployResult(`${deployJson}\n`), {
      graph: "orders",
      version: 3,
      loops: [
        { name: "intake", workers: 0 },
        { name: "billing", workers: 1 },
        { name: "shipping", workers: 2 },
      ],
    });
  });

  test("pretty-printed, or after a notice line", () => {
    const pretty = JSON.stringify(JSON.parse(deployJson), null, 2);
    assert.equal(parseDeployResult(pretty)?.version, 3);
    assert.equal(parseDeployResult(`stepgraph: bundling 3 modules\n${deployJson}\n`)?.graph, "orders");
  });

  test("a loop without a worker count has none; extra fields are ignored", () => {
    const result = parseDeployResult('{"graph":"g","version":1,"signedAt":"now","loops":[{"name":"main","concurrency":4}]}');
    assert.deepEqual(result, { graph: "g", version: 1, loops: [{ name: "main", workers: 0 }] });
  });

  test("anything of another shape is no result", () => {
    for (const stdout of ["", "deployed orders version 3", "[]", "null", '{"graph":"orders"}', '{"graph":"orders","version":"3","loops":[]}', '{"graph":"orders","version":3,"loops":[{"workers":1}]}']) {
      assert.equal(parseDeployResult(stdout), undefined, stdout);
    }
  });
});

describe("deployedMessage", () => {
  test("the version and each loop with its live workers", () => {
    const deployed = parseDeployResult(deployJson);
    assert.ok(deployed);
    assert.equal(
      deployedMessage(deployed),
      "Deployed orders version 3: loops intake (0 workers), billing (1 worker), shipping (2 workers)",
    );
  });

  test("a graph without loops says so", () => {
    assert.equal(deployedMessage({ graph: "g", version: 1, loops: [] }), "Deployed g version 1: no loops");
  });
});

describe("reading the CLI's JSON", () => {
  test("lastJsonValue: the whole output, else the last line that parses", () => {
    assert.deepEqual(lastJsonValue('{\n  "a": 1\n}\n'), { a: 1 });
    assert.deepEqual(lastJsonValue('{"a":1}\n{"a":2}\nnot json\n'), { a: 2 });
    assert.equal(lastJsonValue("no json here\n"), undefined);
  });

  test("jsonObjectLines: each line holding an object, other lines skipped", () => {
    assert.deepEqual(jsonObjectLines('{"id":"1"}\r\nnotice\n[1]\n\n{"id":"2"}\n'), [{ id: "1" }, { id: "2" }]);
  });
});
