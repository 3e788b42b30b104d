// A graph is checked with its subgraphs as the editor holds them: an open subgraph's
// unsaved text counts, and a graph is checked again when a subgraph it uses changes, in
// the editor or on disk (workspace/didChangeWatchedFiles, for which the server registers a
// watcher of `.graph` files).
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic } from "vscode-languageserver-protocol";
import { GEO_GRAPH, subgraphWorkspace } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
before(async () => {
  client = await startLspClient({ capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
});
after(() => client.stop());

const codes = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => d.code);
const BROKEN_GEO = GEO_GRAPH.replace("regionOf(normalized)", "regionOf(normalised)");

describe("subgraph files in the language server", () => {
  test("the server registers a watcher for .graph files", async () => {
    const deadline = Date.now() + 10_000;
    while (client.registrations.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const watcher = client.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method);
    assert.ok(watcher, JSON.stringify(client.registrations));
    assert.deepEqual((watcher.registerOptions as { watchers: { globPattern: string }[] }).watchers, [{ globPattern: "**/*.graph" }]);
  });

  test("a subgraph broken on disk shows on the caller; fixing it on disk and notifying clears it", async () => {
    const dir = subgraphWorkspace();
    writeFileSync(join(dir, "geo.graph"), BROKEN_GEO);
    const uri = await client.open(join(dir, "shop.graph"));
    const broken = await client.diagnostics(uri);
    assert.deepEqual(codes(broken), ["SG059"]);
    assert.match(String(broken[0].message), /geo\.graph' has an error; the first, at 9:.*normalised/);

    writeFileSync(join(dir, "geo.graph"), GEO_GRAPH);
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(join(dir, "geo.graph")).href, type: FileChangeType.Changed }],
    });
    assert.deepEqual(await next, []);
  });

  test("an open subgraph's unsaved text is what the caller is checked against, and its edits re-check the caller", async () => {
    const dir = subgraphWorkspace();
    const uri = await client.open(join(dir, "shop.graph"));
    assert.deepEqual(await client.diagnostics(uri), []);
    // Opening the subgraph checks the caller again (against the same text).
    const reopened = client.nextDiagnostics(uri);
    const geoUri = await client.open(join(dir, "geo.graph"));
    assert.deepEqual(await reopened, []);
    const next = client.nextDiagnostics(uri);
    client.change(geoUri, BROKEN_GEO);
    assert.deepEqual(codes(await next), ["SG059"]);
    const fixed = client.nextDiagnostics(uri);
    client.change(geoUri, GEO_GRAPH);
    assert.deepEqual(await fixed, []);
  });

  test("a subgraph used through another is watched too; a deleted one is reported", async () => {
    const dir = subgraphWorkspace();
    writeFileSync(join(dir, "outer.graph"), 'graph outer\nuse graph "./shop.graph" as shop\ninput order\nnode all = shop(order: order)\n');
    const uri = await client.open(join(dir, "outer.graph"));
    assert.deepEqual(await client.diagnostics(uri), []);
    writeFileSync(join(dir, "geo.graph"), BROKEN_GEO);
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(join(dir, "geo.graph")).href, type: FileChangeType.Changed }],
    });
    assert.deepEqual(codes(await next), ["SG059"]);

    rmSync(join(dir, "geo.graph"));
    const deleted = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(join(dir, "geo.graph")).href, type: FileChangeType.Deleted }],
    });
    const unreadable = await deleted;
    assert.deepEqual(codes(unreadable), ["SG059"], "outer sees shop's error");
    assert.match(String(unreadable[0].message), /geo\.graph' .*(cannot|not|no such)/i);
  });
});
