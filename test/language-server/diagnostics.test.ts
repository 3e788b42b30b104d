// Diagnostics on open and on every edit: every checker rule, with ranges, codes, source and severity.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-protocol";
import { repoRoot } from "../helpers";
import { copyExample } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
const messageOf = (d: Diagnostic) => (typeof d.message === "string" ? d.message : d.message.value);
before(async () => {
  client = await startLspClient();
});
after(() => client.stop());

describe("diagnostics", () => {
  test("the examples open clean", async () => {
    for (const file of ["examples/orders/orders.graph", "examples/text-enrichment/enrich.graph"]) {
      const uri = await client.open(join(repoRoot, file));
      assert.deepEqual(await client.diagnostics(uri), [], file);
    }
  });

  test("an edit brings errors with range, code, source and severity; fixing it clears them", async () => {
    const dir = copyExample("orders");
    const path = join(dir, "orders.graph");
    const text = readFileSync(path, "utf8");
    const uri = await client.open(path);
    assert.deepEqual(await client.diagnostics(uri, 1), []);

    client.change(uri, text.replace("findCustomer(order.customerId)", "findCustomr(ordr.customerId)"));
    const diagnostics = await client.diagnostics(uri, 2);
    const unknownName = diagnostics.find((d) => d.code === "SG011");
    const unknownExport = diagnostics.find((d) => d.code === "SG014");
    assert.ok(unknownName && unknownExport, JSON.stringify(diagnostics));
    assert.equal(unknownName.source, "stepgraph");
    assert.equal(unknownName.severity, DiagnosticSeverity.Error);
    assert.match(messageOf(unknownName), /unknown name 'ordr'.*did you mean 'order'/);
    const line = text.split("\n").findIndex((l) => l.startsWith("node customer"));
    const column = text.split("\n")[line].indexOf("findCustomer(") + "findCustomr(".length;
    assert.deepEqual(unknownName.range, { start: { line, character: column }, end: { line, character: column + 4 } });

    client.change(uri, text);
    assert.deepEqual(await client.diagnostics(uri, 3), []);
  });

  test("warnings, syntax errors (all of them) and rule errors come together", async () => {
    const dir = copyExample("orders");
    const path = join(dir, "broken.graph");
    const text = [
      "graph broken",
      'use "./nodes/orders.ts"',
      'use "./nodes/missing.ts"',
      "input order",
      "node customer = findCustomer(order.customerId) [cache: sometimes]",
      "node a = findCustomer(",
      "node b = findCustomer(order, 1, 2, 3)",
      "node loop = findCustomer(order)",
      "output customer",
    ].join("\n");
    writeFileSync(path, text);
    const uri = await client.open(path);
    const codes = (await client.diagnostics(uri)).map((d) => `${d.code}:${d.severity}`);
    for (const expected of ["SG012:1", "SG031:1", "SG001:1", "SG040:2"]) assert.ok(codes.includes(expected), `${expected} in ${codes.join(" ")}`);
    assert.equal(codes.filter((c) => c.startsWith("SG001")).length, 2, codes.join(" "));
  });

  test("bursts of edits end with the diagnostics of the last version", async () => {
    const path = join(copyExample("orders"), "orders.graph");
    const text = readFileSync(path, "utf8");
    const uri = await client.open(path);
    for (let i = 0; i < 10; i++) client.change(uri, `${text}\nnode extra${i} = findCustomer(nope${i})\n`);
    client.change(uri, `${text}\nnode extra = findCustomer(nope)\n`);
    const diagnostics = await client.diagnostics(uri, 12);
    assert.deepEqual(
      diagnostics.filter((d) => d.code === "SG011").map((d) => messageOf(d).split(":")[0]),
      ["unknown name 'nope'"],
    );
  });
});
