// `npm run test:vscode`: the end-to-end scenario's extension-host assertions in a VS Code
// that @vscode/test-electron downloads (it cannot here: no access to update.code.visualstudio.com;
// CI runs test/e2e instead). Starts a private redis-server, copies examples/orders with
// settings pointing at it, and runs test/vscode/suite.ts inside the extension host.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTests } from "@vscode/test-electron";
import { repoRoot } from "../helpers";
import { startTestRedis } from "../redis-harness";

async function main(): Promise<number> {
  const redis = await startTestRedis();
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-vscode-"));
  const workspace = join(dir, "orders");
  cpSync(join(repoRoot, "examples", "orders"), workspace, { recursive: true, filter: (src) => !src.includes(".stepgraph") });
  mkdirSync(join(workspace, ".vscode"));
  writeFileSync(join(workspace, ".vscode", "settings.json"), JSON.stringify({ "stepgraph.redis.url": redis.url, "stepgraph.deploy.confirm": false }, null, 2));
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, "out", "vscode", "suite.js"),
      launchArgs: [workspace, "--disable-extensions", "--disable-workspace-trust", "--user-data-dir", join(dir, "user-data")],
      extensionTestsEnv: { STEPGRAPH_TEST_REDIS_URL: redis.url },
    });
    return 0;
  } catch (e) {
    console.error(`test:vscode: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then((code) => (process.exitCode = code));
