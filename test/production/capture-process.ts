// A `stepgraph capture` process under test: started, its output gathered, ended even when the test fails.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../helpers";
import type { Workspace } from "../runtime/workspace";
import { productionEnv, waitFor } from "./production-harness";

export interface CaptureProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts `stepgraph capture ARGS` on the Redis at `url` and resolves once it says every live worker has the capture point. */
export async function startCapture(url: string, ws: Workspace, args: readonly string[]): Promise<CaptureProcess> {
  const child = spawn(process.execPath, [join(repoRoot, "dist", "cli.js"), "capture", ...args], { cwd: ws.dir, env: productionEnv(url, ws), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
  child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const capture = { child, stdout: () => stdout, stderr: () => stderr, exited };
  try {
    await waitFor(() => /^capturing /m.test(stderr) || child.exitCode !== null, 20_000, "the capture to reach the workers");
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return capture;
}

/** Ends a capture process still running (a test that failed midway), and waits for it. */
export async function endCapture(capture: CaptureProcess): Promise<void> {
  if (capture.child.exitCode === null && capture.child.signalCode === null) capture.child.kill("SIGKILL");
  await capture.exited;
}
