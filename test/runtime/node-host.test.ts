// A node host dies with its parent, even while the node it runs blocks its event loop.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isAlive, repoRoot } from "../helpers";

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("a host whose node spins forever is gone soon after its parent is killed", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-orphan-"));
  const marker = join(dir, "host.pid");
  mkdirSync(join(dir, "nodes"));
  writeFileSync(join(dir, "nodes", "spin.ts"), `import { writeFileSync } from "node:fs";\nexport function spin(marker: string): number {\n  writeFileSync(marker, String(process.pid));\n  for (;;) {}\n}\n`);
  writeFileSync(join(dir, "spin.graph"), `graph spin\n\nuse "./nodes/spin.ts"\n\ninput marker\n\nnode spun = spin(marker)\n\noutput spun\n`);

  const parent = spawn(process.execPath, [join(repoRoot, "dist", "cli.js"), "run", join(dir, "spin.graph"), "--input", JSON.stringify({ marker }), "--cache", "off"], {
    cwd: dir,
    env: { ...process.env, STEPGRAPH_STATE_DIR: join(dir, ".stepgraph") },
    stdio: "ignore",
  });
  t.after(() => {
    parent.kill("SIGKILL");
    const left = existsSync(marker) ? Number(readFileSync(marker, "utf8")) : 0;
    if (left > 0 && isAlive(left)) process.kill(left, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  await waitFor("the node started spinning", () => existsSync(marker) && readFileSync(marker, "utf8") !== "", 30_000);
  const hostPid = Number(readFileSync(marker, "utf8"));
  assert.ok(isAlive(hostPid));

  parent.kill("SIGKILL");
  await waitFor(`the host ${hostPid} exited after its parent died`, () => !isAlive(hostPid), 5_000);
});
