// Runs the bundled `stepgraph` command line (dist/cli.js) in a child process, so that
// Redis connections and graph reads stay out of the extension host.
import { spawn } from "node:child_process";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runCli(cliPath: string, args: readonly string[], options: { cwd: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // The extension host's executable is Electron (or node, remotely): as node either way.
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}
