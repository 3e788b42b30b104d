// Go to definition, find references and rename (with the names a rename refuses).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import {
  DefinitionRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  type Location,
  type Position,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { copyExample, positionOf } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
let dir: string;
let text: string;
let uri: string;
before(async () => {
  client = await startLspClient();
  dir = copyExample("orders");
  text = readFileSync(join(dir, "orders.graph"), "utf8");
  uri = await client.open(join(dir, "orders.graph"));
});
after(() => client.stop());

async function definitionAt(position: Position): Promise<Location | undefined> {
  const result = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position })) as Location | Location[] | null;
  return (Array.isArray(result) ? result[0] : result) ?? undefined;
}

function lineOf(needle: string): number {
  return positionOf(text, needle).line;
}

/** The text of `edits` applied to `source`. */
function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const lines = source.split("\n");
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return sorted.reduce((out, e) => out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end)), source);
}

describe("go to definition", () => {
  test("a reference jumps to its node or input", async () => {
    const toNode = await definitionAt(positionOf(text, "priceLines(lines", 0, "priceLines(".length + 2));
    assert.equal(toNode?.uri, uri);
    assert.equal(toNode?.range.start.line, lineOf("node lines "));
    assert.equal(toNode?.range.start.character, "node ".length);
    const toInput = await definitionAt(positionOf(text, "findCustomer(order", 0, "findCustomer(".length + 1));
    assert.equal(toInput?.range.start.line, lineOf("input order"));
    const fromLoop = await definitionAt(positionOf(text, "loop billing    { invoice", 0, "loop billing    { ".length + 1));
    assert.equal(fromLoop?.range.start.line, lineOf("node invoice "));
  });

  test("a called function jumps into its TypeScript source", async () => {
    const location = await definitionAt(positionOf(text, "pricing.loadRates(currency)", 0, "pricing.".length + 1));
    assert.ok(location);
    assert.equal(fileURLToPath(location.uri), join(dir, "nodes", "pricing.ts"));
    const source = readFileSync(join(dir, "nodes", "pricing.ts"), "utf8").split("\n");
    assert.match(source[location.range.start.line].slice(location.range.start.character), /^loadRates\(/);
  });

  test("a use path jumps to the module file", async () => {
    const location = await definitionAt(positionOf(text, '"./nodes/inventory.ts"', 0, 3));
    assert.equal(location && fileURLToPath(location.uri), join(dir, "nodes", "inventory.ts"));
  });
});

describe("references and rename", () => {
  test("find references lists the declaration and every use of a node", async () => {
    const result = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position: positionOf(text, "node customer ", 0, 6),
      context: { includeDeclaration: true },
    })) as Location[];
    assert.deepEqual(
      result.map((l) => l.range.start.line),
      [lineOf("node customer "), lineOf("node quote "), lineOf("node invoice "), lineOf("node message "), lineOf("loop intake ")],
    );
    const withoutDeclaration = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position: positionOf(text, "findCustomer(order", 0, "findCustomer(".length),
      context: { includeDeclaration: false },
    })) as Location[];
    assert.equal(withoutDeclaration.length, 4, "order is used by four nodes");
  });

  test("rename changes every declaration and reference, and the result checks clean", async () => {
    const position = positionOf(text, "inventory.checkStock(lines)", 0, "inventory.checkStock(".length + 1);
    const prepared = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position })) as { placeholder: string };
    assert.equal(prepared.placeholder, "lines");
    const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: "orderLines" })) as WorkspaceEdit;
    const edits = edit.changes?.[uri] ?? [];
    assert.equal(edits.length, 5, "declaration, quote, stock, parcel, loop intake");
    const renamed = applyEdits(text, edits);
    assert.match(renamed, /node orderLines {4}= resolveLines\(order\.items\)/);
    assert.doesNotMatch(renamed, /[(,{] ?lines\b/);
    client.change(uri, renamed);
    assert.deepEqual(await client.diagnostics(uri, 2), []);
    client.change(uri, text);
    await client.diagnostics(uri, 3);
  });

  test("loops and inputs rename too", async () => {
    const loopEdit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(text, "loop billing", 0, 6), newName: "invoicing" })) as WorkspaceEdit;
    assert.equal(loopEdit.changes?.[uri]?.length, 1);
    const inputEdit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(text, "input currency", 0, 7), newName: "money" })) as WorkspaceEdit;
    assert.equal(inputEdit.changes?.[uri]?.length, 2);
  });

  test("a keyword, an invalid identifier or a taken name is refused with a clear message", async () => {
    const position = positionOf(text, "node rates ", 0, 6);
    const refusals: [string, RegExp][] = [
      ["loop", /'loop' is a keyword/],
      ["2fast", /'2fast' is not a valid name/],
      ["my-rates", /not a valid name/],
      ["quote", /'quote' is already declared as a node on line \d+/],
      ["order", /already declared as an input/],
    ];
    for (const [newName, message] of refusals) {
      await assert.rejects(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName }), (error: unknown) => {
        assert.ok(error instanceof ResponseError);
        assert.match(error.message, message);
        return true;
      });
    }
    await assert.rejects(
      client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: positionOf(text, "pricing.loadRates(currency)", 0, "pricing.".length + 2) }),
      /only an input, node, loop or alias name can be renamed/,
    );
  });
});
