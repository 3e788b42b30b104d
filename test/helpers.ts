// Helpers shared by the tests: paths (tests run as bundles under out/test/ and so cannot use
// their own location), the built CLI, and processes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The repository's root folder (the one holding package.json). */
export const repoRoot = findRepoRoot(__dirname);

/** A path below test/, e.g. `fixturePath("graph", "fixtures", "x.graph")`. */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot, "test", ...parts);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built command line (dist/cli.js) to completion. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [join(repoRoot, "dist", "cli.js"), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A user's mistake as the CLI answers it: exit 2, one line on stderr matching `pattern`, no stack trace, nothing on stdout. */
export function assertBadInput(result: CliResult, pattern: RegExp): void {
  assert.equal(result.status, 2, `exit ${result.status}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
  assert.equal(result.stdout, "");
}

/** Whether a process of this pid is running (signal 0 only asks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
