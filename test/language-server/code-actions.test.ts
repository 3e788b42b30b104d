// Code actions: a stub for a missing function in a .ts module; a node added to a loop.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { CodeActionRequest, type CodeAction, type Position, type TextEdit } from "vscode-languageserver-protocol";
import { checkText } from "../../src/graph/checker";
import { createModuleReader } from "../../src/graph/module-reader";
import { copyExample, positionOf } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
before(async () => {
  client = await startLspClient();
});
after(() => client.stop());

async function actionsAt(uri: string, position: Position): Promise<CodeAction[]> {
  return (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: position, end: position },
    context: { diagnostics: [] },
  })) as CodeAction[];
}

function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const lines = source.split("\n");
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((out, e) => out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end)), source);
}

describe("code actions", () => {
  test("SG014: create the missing function as a stub in the aliased module; the graph then checks clean", async () => {
    const dir = copyExample("orders");
    const graphPath = join(dir, "orders.graph");
    const text = readFileSync(graphPath, "utf8").replace(
      "node invoice = pricing.issueInvoice(accepted, reservation, customer, order.placedAt)",
      "node invoice = pricing.issueInvoice(accepted, reservation, customer, order.placedAt)\nnode discount = pricing.applyDiscount(quote, customer.country, 10)",
    ).replace("output invoice, message", "output invoice, message, discount").replace("loop billing    { invoice, message }", "loop billing    { invoice, message, discount }");
    writeFileSync(graphPath, text);
    const uri = await client.open(graphPath);
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(diagnostics.map((d) => d.code), ["SG014"]);
    const actions = await actionsAt(uri, positionOf(text, "applyDiscount", 0, 3));
    const create = actions.find((a) => a.title === "Create function applyDiscount in ./nodes/pricing.ts");
    assert.ok(create, actions.map((a) => a.title).join("; "));
    const moduleUri = pathToFileURL(join(dir, "nodes", "pricing.ts")).href;
    const edits = create.edit?.changes?.[moduleUri] ?? [];
    assert.equal(edits.length, 1);
    assert.match(edits[0].newText, /export function applyDiscount\(quote: unknown, country: unknown, arg3: unknown, ctx: unknown\): never \{\n {2}throw new Error\("not implemented"\);\n\}/);
    const modulePath = join(dir, "nodes", "pricing.ts");
    writeFileSync(modulePath, applyEdits(readFileSync(modulePath, "utf8"), edits));
    const after = checkText(text, { path: graphPath, modules: createModuleReader() });
    assert.deepEqual(after.diagnostics.map((d) => d.message), []);
  });

  test("a node no loop names: 'Add NODE to loop LOOP' for each loop", async () => {
    const dir = copyExample("orders");
    const graphPath = join(dir, "orders.graph");
    const text = readFileSync(graphPath, "utf8").replace("output invoice, message", "node audit = findCustomer(order.customerId)\noutput invoice, message, audit");
    const uri = await client.open(graphPath, text);
    const actions = await actionsAt(uri, positionOf(text, "node audit", 0, 2));
    assert.deepEqual(actions.map((a) => a.title), ["Add audit to loop intake", "Add audit to loop fulfilment", "Add audit to loop billing"]);
    const edited = applyEdits(text, actions[2].edit?.changes?.[uri] ?? []);
    assert.match(edited, /loop billing {4}\{ invoice, message, audit \}/);
    client.change(uri, edited);
    assert.deepEqual(await client.diagnostics(uri, 2), []);
    assert.deepEqual(await actionsAt(uri, positionOf(edited, "node audit", 0, 2)), [], "no action once the node is in a loop");
    assert.deepEqual(await actionsAt(uri, positionOf(edited, "node quote", 0, 2)), [], "nor for a node already in one");
  });
});
