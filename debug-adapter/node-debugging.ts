// Debugging node code: for each node host's inspector, a child session of the editor's
// JavaScript debugger (vscode-js-debug's `pwa-node` attach), started with DAP's
// `startDebugging` reverse request. The bundles the hosts load carry inline source maps
// (module-bundler.ts), so the child session shows and stops in the original `.ts` files.
import type { DebugProtocol } from "@vscode/debugprotocol";
import { join } from "node:path";
import type { HostInspector, ProcessPool } from "../src/runtime/process-pool";

/**
 * Marks a child session's configuration as a node host's. VS Code starts a
 * `startDebugging` session with the parent's type (stepgraph); the extension sees this
 * attribute and hands the configuration to the JavaScript debugger (`pwa-node`).
 */
export const NODE_HOST_ATTRIBUTE = "__stepgraphNodeHost";

/** How long the first node waits for the child sessions to attach. */
const ATTACH_TIMEOUT_MS = 10_000;

/** The `startDebugging` arguments that attach the JavaScript debugger to one host. */
export function nodeHostAttach(host: HostInspector, folders: { stateDir: string; cwd: string }, hostScript: string): DebugProtocol.StartDebuggingRequestArguments {
  const url = new URL(host.url);
  return {
    request: "attach",
    configuration: {
      type: "pwa-node",
      name: `node host ${host.pid}`,
      [NODE_HOST_ATTRIBUTE]: true,
      // The host's own inspector: websocketAddress says exactly which (js-debug's attach), address and port for any other.
      websocketAddress: host.url,
      address: url.hostname,
      port: Number(url.port),
      sourceMaps: true,
      // The bundles are in the workspace's .stepgraph folder; their maps lead to the .ts files (and node_modules).
      outFiles: [join(folders.stateDir, "**", "*.js")],
      resolveSourceMapLocations: [join(folders.stateDir, "**"), join(folders.cwd, "**")],
      cwd: folders.cwd,
      // The host's own frames (calling the node function) are not the user's code.
      skipFiles: ["<node_internals>/**", hostScript],
      // A host is one process: no children to follow, and it is not waiting on --inspect-brk.
      autoAttachChildProcesses: false,
      attachExistingChildren: false,
      continueOnAttach: true,
      restart: false,
    },
  };
}

/** The line for a client that cannot debug node code, when stepIn on a function node steps over it. */
export function noChildSessionsLine(node: string): string {
  return `stepIn: node '${node}' is stepped over (as next): this client does not start child debug sessions (it does not announce supportsStartDebuggingRequest), so its TypeScript cannot be stepped into\n`;
}

/** Sends a reverse request and takes its response (the session's sendRequest). */
type ReverseRequest = (command: string, args: DebugProtocol.StartDebuggingRequestArguments, timeoutMs: number, answer: (response: DebugProtocol.Response) => void) => void;

/**
 * The child sessions of one dev session: asked for on every host's inspector, now and for
 * each host started later; `whenAttached` waits for them before the first node runs.
 */
export class ChildSessions {
  /** The answers to the startDebugging requests sent: true when the client started the child session. */
  private readonly answers: Promise<boolean>[] = [];
  /** Set while `whenAttached` waits: a refused child session ends the wait. */
  private onRefused: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly pool: ProcessPool,
    folders: { stateDir: string; cwd: string },
    send: ReverseRequest,
    private readonly say: (line: string) => void,
  ) {
    const asked = new Set<string>();
    const attach = (host: HostInspector) => {
      if (asked.has(host.url) || this.closed) return;
      asked.add(host.url);
      this.answers.push(
        new Promise((resolve) =>
          send("startDebugging", nodeHostAttach(host, folders, pool.hostScript), ATTACH_TIMEOUT_MS, (response) => {
            if (!response.success) {
              say(`the JavaScript debugger was not started for node host ${host.pid}${response.message ? ` (${response.message})` : ""}: its node code is not debugged`);
              this.onRefused?.();
            }
            resolve(response.success);
          }),
        ),
      );
    };
    pool.inspectors.forEach(attach);
    pool.on("inspector", attach);
  }

  /** No more child sessions are asked for (the dev session closed). */
  close(): void {
    this.closed = true;
  }

  /**
   * Before the first node runs, the child sessions attach (or the wait times out), so that
   * breakpoints in node code hold from the start. Attached is both: the client answered
   * startDebugging (VS Code does once the child session's attach is done, its breakpoints
   * set), and the debugger is connected to every host (Node's "Debugger attached.").
   */
  async whenAttached(): Promise<void> {
    const deadline = Date.now() + ATTACH_TIMEOUT_MS;
    // A refusal ends the wait at once (the hosts' URLs, and so the requests, may still be coming).
    let refused!: () => void;
    const refusal = new Promise<boolean>((resolve) => (refused = () => resolve(false)));
    this.onRefused = refused;
    if (this.answers.length > 0) void Promise.all(this.answers).then((answers) => answers.every(Boolean) || refused());
    const connected = await Promise.race([this.pool.whenAttached(ATTACH_TIMEOUT_MS), refusal]);
    this.onRefused = undefined;
    const timeout = new Promise<boolean[]>((resolve) => setTimeout(() => resolve([false]), Math.max(0, deadline - Date.now())).unref());
    const answers = await Promise.race([Promise.all(this.answers), timeout]);
    if (!(connected && answers.every(Boolean))) this.say(`the JavaScript debugger is not attached to every node host (waited up to ${ATTACH_TIMEOUT_MS / 1000} s): node code runs, and may not stop in its breakpoints`);
  }
}
