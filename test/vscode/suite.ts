// Runs inside VS Code's extension host (see run-vscode-tests.ts): the scenario of
// test/e2e/run-e2e.mjs through the extension API instead of the screen: diagnostics on a
// typo, F5 with no launch.json stopping on entry with the inputs in the Variables scopes,
// stepping, the outputs at the end; then deploy, local workers, a job done, status.
import assert from "node:assert/strict";
import Redis from "ioredis";
import * as vscode from "vscode";

type Check = [name: string, run: () => Promise<void>];

const DEPLOY_KEY = "vscode-suite-deploy-key-0123";

function graphUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the orders example is open");
  return vscode.Uri.joinPath(folder.uri, "orders.graph");
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The DAP messages of stepgraph sessions, as the adapter sent them. */
const fromAdapter: { type: string; event?: string; body?: Record<string, unknown> }[] = [];
vscode.debug.registerDebugAdapterTrackerFactory("stepgraph", {
  createDebugAdapterTracker: () => ({ onDidSendMessage: (message: (typeof fromAdapter)[number]) => void fromAdapter.push(message) }),
});

const checks: Check[] = [
  [
    "a typo gets an SG011 diagnostic, which goes again when it is undone",
    async () => {
      const document = await vscode.workspace.openTextDocument(graphUri());
      const editor = await vscode.window.showTextDocument(document);
      const at = document.getText().indexOf("findCustomer(");
      await editor.edit((edit) => edit.insert(document.positionAt(at + "findCustomer".length), "X"));
      await waitFor("SG011", 20_000, () => vscode.languages.getDiagnostics(document.uri).some((d) => String(typeof d.code === "object" ? d.code.value : d.code) === "SG011") || undefined);
      await vscode.commands.executeCommand("undo");
      await waitFor("no errors", 20_000, () => !vscode.languages.getDiagnostics(document.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) || undefined);
      await document.save();
    },
  ],
  [
    "F5 with no launch.json stops on entry; the Inputs scope holds the order; the outputs arrive at the end",
    async () => {
      await vscode.window.showTextDocument(graphUri());
      assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { type: "stepgraph", request: "launch", name: "suite", graph: graphUri().fsPath, stopOnEntry: true }));
      const session = await waitFor("a stepgraph session", 30_000, () => vscode.debug.activeDebugSession);
      await waitFor("the stop on entry", 30_000, () => fromAdapter.some((m) => m.event === "stopped") || undefined);
      await session.customRequest("next", { threadId: 1 });
      await waitFor("a second stop", 30_000, () => fromAdapter.filter((m) => m.event === "stopped").length >= 2 || undefined);
      const { stackFrames } = (await session.customRequest("stackTrace", { threadId: 1 })) as { stackFrames: { id: number; name: string }[] };
      const { scopes } = (await session.customRequest("scopes", { frameId: stackFrames[0].id })) as { scopes: { name: string; variablesReference: number }[] };
      assert.deepEqual(scopes.map((s) => s.name), ["Inputs", "Node", "Outputs"]);
      const inputs = (await session.customRequest("variables", { variablesReference: scopes[0].variablesReference })) as { variables: { name: string; value: string }[] };
      assert.ok(inputs.variables.length > 0, "the node's inputs are shown");
      await session.customRequest("continue", { threadId: 1 });
      await waitFor("the outputs in the debug console", 60_000, () => fromAdapter.some((m) => m.event === "output" && String(m.body?.output).includes("INV-1001")) || undefined);
      await waitFor("the session to end", 30_000, () => (vscode.debug.activeDebugSession === undefined ? true : undefined));
    },
  ],
  [
    "deploy from the command, local workers, a job done, status, workers stopped",
    async () => {
      const url = process.env.STEPGRAPH_TEST_REDIS_URL;
      assert.ok(url, "the runner gives the private Redis's URL");
      const redis = new Redis(url);
      try {
        await vscode.commands.executeCommand("stepgraph.setDeployKey", DEPLOY_KEY);
        await vscode.commands.executeCommand("stepgraph.deployGraph", graphUri());
        assert.equal((JSON.parse((await redis.get("stepgraph:{orders}:prod:active")) ?? "{}") as { version?: number }).version, 1);
        await vscode.commands.executeCommand("stepgraph.startLocalWorkers", graphUri());
        for (const loop of ["intake", "fulfilment", "billing"]) {
          await waitFor(`a ${loop} worker`, 30_000, async () => ((await redis.scard(`stepgraph:{orders}:prod:loop:${loop}:workers`)) === 1 ? true : undefined));
        }
        await vscode.commands.executeCommand("stepgraph.submitJob", graphUri());
        assert.equal(await redis.hget("stepgraph:{orders}:prod:totals", "completed"), "1");
        await vscode.commands.executeCommand("stepgraph.showProductionStatus", graphUri());
        await vscode.commands.executeCommand("stepgraph.stopLocalWorkers");
        for (const loop of ["intake", "fulfilment", "billing"]) assert.equal(await redis.scard(`stepgraph:{orders}:prod:loop:${loop}:workers`), 0);
      } finally {
        redis.disconnect();
      }
    },
  ],
];

/** The entry point @vscode/test-electron calls; rejects when a check fails. */
export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`ok   ${name}`);
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      console.log(`FAIL ${name}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${checks.length} checks failed:\n${failures.join("\n")}`);
}
