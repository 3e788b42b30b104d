// Definition, references and rename over language v2: subgraph calls, `use graph` paths,
// named arguments, names in `when` conditions, and subgraph aliases.
import assert from "node:assert/strict";
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
import { GEO_GRAPH, positionOf, SHOP_GRAPH, subgraphWorkspace } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
let dir: string;
let uri: string;
const text = SHOP_GRAPH;
before(async () => {
  client = await startLspClient();
  dir = subgraphWorkspace();
  uri = await client.open(join(dir, "shop.graph"));
});
after(() => client.stop());

async function definitionAt(position: Position): Promise<Location | undefined> {
  const result = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position })) as Location | Location[] | null;
  return (Array.isArray(result) ? result[0] : result) ?? undefined;
}

/** Where `needle` starts in `source`, moved `delta` in. */
const at = (needle: string, delta = 1, occurrence = 0, source = text) => positionOf(source, needle, occurrence, delta);

function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const lines = source.split("\n");
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return sorted.reduce((out, e) => out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end)), source);
}

async function renamed(position: Position, newName: string): Promise<string> {
  const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName })) as WorkspaceEdit;
  assert.deepEqual(Object.keys(edit.changes ?? {}), [uri]);
  return applyEdits(text, edit.changes?.[uri] ?? []);
}

describe("go to definition in v2 syntax", () => {
  test("a subgraph call jumps to its alias in the use graph line", async () => {
    const location = await definitionAt(at("geo(address"));
    assert.equal(location?.uri, uri);
    assert.deepEqual(location?.range.start, at("as geo", 3, 0));
  });

  test("the use graph path jumps to the other file's graph line", async () => {
    const location = await definitionAt(at('"./geo.graph"', 3));
    assert.ok(location);
    assert.equal(fileURLToPath(location.uri), join(dir, "geo.graph"));
    assert.deepEqual(location.range.start, positionOf(GEO_GRAPH, "graph geo", 0, "graph ".length));
  });

  test("a named argument jumps to the subgraph's input line", async () => {
    const location = await definitionAt(at("country: \"DE\")", 2));
    assert.ok(location);
    assert.equal(fileURLToPath(location.uri), join(dir, "geo.graph"));
    assert.deepEqual(location.range.start, positionOf(GEO_GRAPH, "input country", 0, "input ".length));
  });

  test("a name in a when condition jumps to its declaration", async () => {
    const location = await definitionAt(at("order.flagged", 2));
    assert.equal(location?.uri, uri);
    assert.deepEqual(location?.range.start, at("input order", 6));
  });
});

describe("references and rename in v2 syntax", () => {
  test("references of an input include its uses in conditions and named arguments", async () => {
    const locations = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position: at("input order", 7),
      context: { includeDeclaration: false },
    })) as Location[];
    const lines = locations.map((l) => l.range.start.line);
    assert.deepEqual(lines, [at("issueRefund(order)").line, at("order.total").line, at("order.flagged").line, at("sendNotice(order").line]);
    const fromCondition = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position: at("order.total", 1),
      context: { includeDeclaration: true },
    })) as Location[];
    assert.equal(fromCondition.length, 5);
  });

  test("renaming from a condition renames the declaration, the arguments and every condition use", async () => {
    const after = await renamed(at("order.flagged", 2), "purchase");
    assert.match(after, /^input purchase$/m);
    assert.match(after, /issueRefund\(purchase\) when purchase\.total > 100 and not purchase\.flagged/);
    assert.match(after, /sendNotice\(purchase, refund\?\)/);
  });

  test("renaming a node used in a named argument's value and a REF? renames them", async () => {
    const after = await renamed(at("input customer", 7), "client");
    assert.match(after, /geo\(address: client\.address, country: "DE"\)/);
    const refund = await renamed(at("refund?", 1), "repayment");
    assert.match(refund, /^node repayment = issueRefund/m);
    assert.match(refund, /sendNotice\(order, repayment\?\)/);
  });

  test("renaming a subgraph alias renames its calls, from the use line or a call", async () => {
    for (const position of [at("as geo", 4), at("geo(address", 1)]) {
      const prepared = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position })) as { placeholder: string } | null;
      assert.equal(prepared?.placeholder, "geo");
      const after = await renamed(position, "places");
      assert.match(after, /use graph "\.\/geo\.graph" as places$/m);
      assert.match(after, /node place {2}= places\(address: customer\.address/);
      assert.ok(!/\bgeo\(/.test(after), after);
    }
  });

  test("an alias rename onto another alias or a keyword is refused with a reason", async () => {
    await assert.rejects(
      client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at("as geo", 4), newName: "when" }),
      (error: unknown) => error instanceof ResponseError && /keyword/.test(error.message),
    );
    const clash = join(dir, "clash.graph");
    const clashText = text.replace('use "./nodes/shop.ts"', 'use "./nodes/shop.ts" as shop');
    const clashUri = await client.open(clash, clashText);
    await assert.rejects(
      client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: clashUri }, position: at("as geo", 4, 0, clashText), newName: "shop" }),
      (error: unknown) => error instanceof ResponseError && /alias 'shop' is already used on line 3/.test(error.message),
    );
  });
});
