// Debugging node code: for each node host's inspector, a child session of the editor's
// JavaScript debugger (vscode-js-debug's `pwa-node` attach), started with DAP's
// `startDebugging` reverse request. The bundles the hosts load carry inline source maps
// (module-bundler.ts), so the child session shows and stops in the original `.ts` files.
import type { DebugProtocol } from "@vscode/debugprotocol";
import { join } from "node:path";
import type { HostInspector } from "../src/runtime/process-pool";

/**
 * Marks a child session's configuration as a node host's. VS Code starts a
 * `startDebugging` session with the parent's type (stepgraph); the extension sees this
 * attribute and hands the configuration to the JavaScript debugger (`pwa-node`).
 */
export const NODE_HOST_ATTRIBUTE = "__stepgraphNodeHost";

/** How long the first node waits for the child sessions to attach. */
export const ATTACH_TIMEOUT_MS = 10_000;

/** The `startDebugging` arguments that attach the JavaScript debugger to one host. */
export function nodeHostAttach(host: HostInspector, folders: { stateDir: string; cwd: string }): DebugProtocol.StartDebuggingRequestArguments {
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
      skipFiles: ["<node_internals>/**"],
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
