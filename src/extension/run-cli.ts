// Runs the bundled `stepgraph` command line (dist/cli.js) in a child process, so that
// Redis connections and graph reads stay out of the extension host.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Added to the extension host's environment, e.g. the deploy key for deploy only. */
  env?: Record<string, string>;
  /** Aborting sends the process SIGTERM; the promise still resolves when it has exited. */
  signal?: AbortSignal;
  /** Each line of stdout as it comes (for a command that runs on, like `capture`). */
  onLine?: (line: string) => void;
}

/** The environment of a CLI process: the extension host's executable is Electron (or node, remotely), run as node either way. */
export function cliEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, ELECTRON_RUN_AS_NODE: "1" };
}

export function runCli(cliPath: string, args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: cliEnvironment(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
    if (options.onLine) createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", options.onLine);
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
    // SIGTERM lets the CLI close its connections; the caller sees `signal.aborted`.
    const abort = () => child.kill("SIGTERM");
    options.signal?.addEventListener("abort", abort, { once: true });
    if (options.signal?.aborted) abort();
    child.once("error", (error) => {
      options.signal?.removeEventListener("abort", abort);
      reject(error);
    });
    child.once("close", (code, signal) => {
      options.signal?.removeEventListener("abort", abort);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
