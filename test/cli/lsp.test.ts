// `stepgraph lsp --stdio`: the same language server, started from the command line.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startLspClient } from "../language-server/lsp-client";

test("stepgraph lsp --stdio publishes the checker's diagnostics", async (t) => {
  const client = await startLspClient({ viaCli: true });
  t.after(() => client.stop());
  const file = join(mkdtempSync(join(tmpdir(), "stepgraph-lsp-cli-")), "broken.graph");
  writeFileSync(file, "graph g\ninput a\ninput a\n");
  const uri = await client.open(file);
  const diagnostics = await client.diagnostics(uri);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [["SG010", 2]]);
});
