// Every position of a v2 graph, whole and cut short mid-statement: completion, hover,
// definition, references and prepareRename answer (a refused rename is a RequestFailed
// error with a message), and the server stays up.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CompletionRequest,
  DefinitionRequest,
  HoverRequest,
  LSPErrorCodes,
  PrepareRenameRequest,
  ReferencesRequest,
  ResponseError,
  type Position,
} from "vscode-languageserver-protocol";
import { SHOP_GRAPH, subgraphWorkspace } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
let dir: string;
before(async () => {
  client = await startLspClient();
  dir = subgraphWorkspace();
});
after(() => client.stop());

function positions(text: string): Position[] {
  return text.split("\n").flatMap((line, lineIndex) => Array.from({ length: line.length + 1 }, (_, character) => ({ line: lineIndex, character })));
}

test("every request at every position of a whole and a cut-short v2 graph answers", async () => {
  const cut = SHOP_GRAPH.indexOf("and not order.flagged");
  const texts = [SHOP_GRAPH, SHOP_GRAPH.slice(0, cut + 4), SHOP_GRAPH.replace("geo(address: customer.address", "geo(address: ,customer.")];
  let answered = 0;
  for (const [i, text] of texts.entries()) {
    const uri = await client.open(join(dir, `every-${i}.graph`), text);
    for (const position of positions(text)) {
      const params = { textDocument: { uri }, position };
      await client.connection.sendRequest(CompletionRequest.type, params);
      await client.connection.sendRequest(HoverRequest.type, params);
      await client.connection.sendRequest(DefinitionRequest.type, params);
      await client.connection.sendRequest(ReferencesRequest.type, { ...params, context: { includeDeclaration: true } });
      await client.connection.sendRequest(PrepareRenameRequest.type, params).catch((error: unknown) => {
        assert.ok(error instanceof ResponseError && error.code === LSPErrorCodes.RequestFailed, String(error));
      });
      answered++;
    }
  }
  assert.ok(answered > 500, `${answered} positions`);
});
