// Runs the built command line and reports which files its process loaded (require.cache as it
// exits): for tests of what a command does not load.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliResult } from "../helpers";

const TAG = "stepgraph-test-loaded: ";

export function runCliReportingLoads(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult & { loaded: string[] } {
  const scratch = mkdtempSync(join(tmpdir(), "stepgraph-loaded-"));
  try {
    const preload = join(scratch, "report-loaded.cjs");
    writeFileSync(preload, `process.on("exit", () => process.stderr.write(${JSON.stringify(TAG)} + JSON.stringify(Object.keys(require.cache)) + "\\n"));\n`);
    const result = runCli(args, { cwd: options.cwd, env: { ...process.env, ...options.env, NODE_OPTIONS: `--require ${preload}` } });
    const line = result.stderr.split("\n").find((l) => l.startsWith(TAG));
    assert.ok(line, result.stderr);
    return { ...result, stderr: result.stderr.replace(`${line}\n`, ""), loaded: JSON.parse(line.slice(TAG.length)) as string[] };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
