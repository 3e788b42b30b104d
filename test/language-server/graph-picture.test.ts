// The graph view's custom request stepgraph/graphPicture: the picture of the editor's text,
// the last one that checked clean while the text has errors, a file not open read from disk.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { DiagnosticSeverity, ErrorCodes, ResponseError } from "vscode-languageserver-protocol";
import { GRAPH_PICTURE_REQUEST, type GraphPictureResult } from "../../src/language-server/custom-protocol";
import { repoRoot } from "../helpers";
import { copyExample } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
before(async () => {
  client = await startLspClient();
});
after(() => client.stop());

const ask = (uri: string) => client.connection.sendRequest<GraphPictureResult>(GRAPH_PICTURE_REQUEST, { uri });
const nodeNames = (result: GraphPictureResult) => result.picture?.nodes.map((n) => n.name);

describe("stepgraph/graphPicture", () => {
  test("an open graph: its inputs, nodes, edges and loops, no errors", async () => {
    const path = join(repoRoot, "examples", "orders", "orders.graph");
    const uri = await client.open(path);
    const result = await ask(uri);
    assert.equal(result.errorCount, 0);
    assert.ok(result.picture);
    assert.equal(result.picture.graph, "orders");
    assert.equal(result.picture.file, path);
    assert.deepEqual(result.picture.inputs.map((i) => i.name), ["order", "currency"]);
    assert.deepEqual(nodeNames(result)?.sort(), ["accepted", "customer", "invoice", "lines", "message", "parcel", "quote", "rates", "reservation", "stock"]);
    assert.deepEqual(result.picture.loops.map((l) => l.name), ["intake", "fulfilment", "billing"]);
    const rates = result.picture.nodes.find((n) => n.name === "rates");
    assert.equal(rates?.callText, "pricing.loadRates");
    assert.equal(rates?.line, readFileSync(path, "utf8").split("\n").findIndex((line) => line.startsWith("node rates")));
    assert.ok(result.picture.edges.some((e) => e.from === "currency" && e.fromKind === "input" && e.to === "rates"));
  });

  test("follows the editor's text; through an error it keeps the last clean picture and counts the errors", async () => {
    const path = join(repoRoot, "examples", "orders", "live.graph");
    const clean = "graph live\nuse \"./nodes/orders.ts\"\ninput order\nnode customer = findCustomer(order.customerId)\n";
    const uri = await client.open(path, clean);
    assert.deepEqual(nodeNames(await ask(uri)), ["customer"]);

    const grown = `${clean}node lines = resolveLines(order.items)\n`;
    client.change(uri, grown);
    const afterGrowth = await ask(uri);
    assert.deepEqual(nodeNames(afterGrowth)?.sort(), ["customer", "lines"]);
    assert.equal(afterGrowth.errorCount, 0);

    // Two unknown references: the picture stays that of `grown`; the count is the published errors'.
    client.change(uri, `${grown}node quote = resolveLines(linez, ratez)\n`);
    const broken = await ask(uri);
    const published = (await client.diagnostics(uri)).filter((d) => d.severity === DiagnosticSeverity.Error);
    assert.deepEqual(published.map((d) => d.code), ["SG011", "SG011"]);
    assert.equal(broken.errorCount, 2);
    assert.deepEqual(nodeNames(broken)?.sort(), ["customer", "lines"]);
  });

  test("a text that never checked clean has no picture", async () => {
    const uri = await client.open(join(repoRoot, "examples", "orders", "never.graph"), "graph never\ninput a\nnode b = nowhere(a)\nnode c = nowhere(d)\n");
    const result = await ask(uri);
    assert.equal(result.picture, null);
    assert.ok(result.errorCount >= 1, String(result.errorCount));
  });

  test("a graph file not open is read from disk: map over a subgraph, a pin, a condition", async () => {
    const dir = copyExample("reviews");
    const uri = pathToFileURL(join(dir, "reviews.graph")).href;
    const result = await ask(uri);
    assert.equal(result.errorCount, 0);
    const byName = new Map(result.picture?.nodes.map((n) => [n.name, n]));
    assert.equal(byName.get("scored")?.kind, "subgraph");
    assert.equal(byName.get("voice")?.pinned, true);
    assert.match(byName.get("alert")?.when ?? "", /summary\.average < alertBelow/);
    assert.equal(byName.get("report")?.output, true);
    assert.ok(result.picture?.edges.some((e) => e.from === "alert" && e.to === "report" && e.optional));

    // Broken on disk afterwards: the last clean picture, with the error counted.
    writeFileSync(join(dir, "reviews.graph"), readFileSync(join(dir, "reviews.graph"), "utf8").replace("summarise(reviews, scored)", "summarise(reviews, scord)"));
    const broken = await ask(uri);
    assert.equal(broken.errorCount, 1);
    assert.equal(broken.picture?.nodes.length, result.picture?.nodes.length);
  });

  test("a file that cannot be read: no picture, one error", async () => {
    const result = await ask(pathToFileURL(join(repoRoot, "examples", "no-such-folder", "missing.graph")).href);
    assert.deepEqual(result, { picture: null, errorCount: 1 });
  });

  test("params without a uri are refused with InvalidParams", async () => {
    await assert.rejects(client.connection.sendRequest(GRAPH_PICTURE_REQUEST, { path: "x" }), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal(error.code, ErrorCodes.InvalidParams);
      assert.match(error.message, /needs \{ uri: string \}/);
      return true;
    });
  });
});
