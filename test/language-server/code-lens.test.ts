// CodeLens over a real LSP client: Run | Debug | Deploy above the graph line, and above
// each node whose output a real `stepgraph run` cached in a redis-server this test starts,
// its age and the run's duration (resolved lazily); none for nodes without a cached output
// or with a pin, none at all with the setting off, and a refresh asked for when the
// extension says the cache changed.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CodeLensRefreshRequest, CodeLensRequest, CodeLensResolveRequest, type CodeLens } from "vscode-languageserver-protocol";
import { runCli } from "../helpers";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { startLspClient, type LspClient } from "./lsp-client";

const GRAPH = `graph lenses

use "./nodes/lens.ts"

input n = 2

node slow    = wait(n)
node doubled = double(slow)
node fresh   = double(n)      [cache: off]

output doubled, fresh
`;

const MODULE = `export async function wait(n: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 150));
  return n;
}
export function double(n: number): number {
  return n * 2;
}
`;

let redis: TestRedis;
let dir: string;
let path: string;
const clients: LspClient[] = [];

before(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), "stepgraph-lsp-lens-"));
  mkdirSync(join(dir, "nodes"));
  writeFileSync(join(dir, "nodes", "lens.ts"), MODULE);
  path = join(dir, "lenses.graph");
  writeFileSync(path, GRAPH);
});
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await redis.stop();
});

async function client(initializationOptions: Record<string, unknown>, refreshSupport = false): Promise<LspClient> {
  const started = await startLspClient({ initializationOptions, capabilities: refreshSupport ? { workspace: { codeLens: { refreshSupport: true } } } : {} });
  clients.push(started);
  return started;
}

function lensesOf(on: LspClient, uri: string): Promise<CodeLens[]> {
  return on.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }).then((lenses) => lenses ?? []);
}

/** The node lenses by the line they sit on (0-based). */
function nodeLenses(lenses: CodeLens[]): Map<number, CodeLens> {
  return new Map(lenses.filter((l) => l.command === undefined).map((l) => [l.range.start.line, l]));
}

function runGraph(): void {
  const result = runCli(["run", path, "--input", "{}", "--json"], { cwd: dir, env: { ...process.env, STEPGRAPH_REDIS_URL: redis.url, STEPGRAPH_STATE_DIR: join(dir, ".stepgraph") } });
  assert.equal(result.status, 0, result.stderr);
  const statuses = Object.fromEntries((JSON.parse(result.stdout) as { nodes: { name: string; status: string }[] }).nodes.map((n) => [n.name, n.status]));
  assert.deepEqual(statuses, { slow: "ran", doubled: "ran", fresh: "ran" });
}

describe("CodeLens", () => {
  test("Run | Debug | Deploy above the graph line; a lens on each node the run cached, resolved to its age and duration", async () => {
    const on = await client({ redisUrl: redis.url });
    assert.deepEqual(on.capabilities.codeLensProvider, { resolveProvider: true });
    const uri = await on.open(path);

    const cold = await lensesOf(on, uri);
    assert.deepEqual(
      cold.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [0, "Run", "stepgraph.runGraph", [uri]],
        [0, "Debug", "stepgraph.debugGraph", [uri]],
        [0, "Deploy", "stepgraph.deployGraph", [uri]],
      ],
      "nothing is cached yet: no node lenses",
    );

    runGraph();
    const warm = await lensesOf(on, uri);
    assert.equal(warm.filter((l) => l.command).length, 3);
    const byLine = nodeLenses(warm);
    // Lines 6 and 7 hold slow and doubled; fresh (line 8, cache: off) has no cached output.
    assert.deepEqual([...byLine.keys()].sort(), [6, 7]);

    const slow = await on.connection.sendRequest(CodeLensResolveRequest.type, byLine.get(6) as CodeLens);
    const match = /^cached (\d+) s ago · ran (\d+) ms$/.exec(slow.command?.title ?? "");
    assert.ok(match, `a title of age and duration, got ${JSON.stringify(slow.command)}`);
    assert.ok(Number(match[1]) < 60, "cached moments ago");
    assert.ok(Number(match[2]) >= 150 && Number(match[2]) < 10_000, `slow waits 150 ms: ${match[2]} ms`);
    assert.equal(slow.command?.command, "", "a label, not a command");
    const doubled = await on.connection.sendRequest(CodeLensResolveRequest.type, byLine.get(7) as CodeLens);
    assert.match(doubled.command?.title ?? "", /^cached \d+ s ago · ran \d+ ms$/);

    // A pinned node runs from its pin file, not the cache: its lens goes.
    on.change(uri, GRAPH.replace("node slow    = wait(n)", 'node slow    = wait(n)   [pin: "./pins/slow.json"]'));
    assert.deepEqual([...nodeLenses(await lensesOf(on, uri)).keys()], [7]);
  });

  test("with stepgraph.codeLens off: no CodeLens provider, and no lenses when asked anyway", async () => {
    const off = await client({ redisUrl: redis.url, codeLens: false });
    assert.equal(off.capabilities.codeLensProvider, undefined);
    const uri = await off.open(path);
    assert.deepEqual(await lensesOf(off, uri), []);
  });

  test("without a Redis URL: the graph's lenses only", async () => {
    const bare = await client({});
    const uri = await bare.open(path);
    assert.deepEqual(
      (await lensesOf(bare, uri)).map((l) => l.command?.title),
      ["Run", "Debug", "Deploy"],
    );
  });

  test("stepgraph/cacheChanged makes the server ask a client that can refresh lenses to do so", { timeout: 10_000 }, async () => {
    const refreshing = await client({ redisUrl: redis.url }, true);
    const asked = new Promise<void>((resolve) => refreshing.connection.onRequest(CodeLensRefreshRequest.type, () => resolve()));
    await refreshing.connection.sendNotification("stepgraph/cacheChanged");
    await asked;
  });
});
