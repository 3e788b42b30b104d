// Starts the debug adapter (dist/debug-adapter.js, DAP over stdio) in its own process, and
// copies what it reports into the output channel.
import * as vscode from "vscode";
import { untrustedMessage } from "./debug-configuration";

/**
 * Runs the adapter with the extension host's own executable as node (ELECTRON_RUN_AS_NODE),
 * rather than `"runtime": "node"` in package.json: no node on PATH is needed, and the
 * Node version is the one VS Code ships, whatever the user has installed.
 */
export class DebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly adapterPath: string) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    // The configuration resolver already refuses; this guards launches that bypass it.
    if (!vscode.workspace.isTrusted) throw new Error(untrustedMessage());
    const cwd = typeof session.configuration.cwd === "string" ? session.configuration.cwd : undefined;
    return new vscode.DebugAdapterExecutable(process.execPath, [this.adapterPath], { env: { ELECTRON_RUN_AS_NODE: "1" }, cwd });
  }
}

/** Logs each session's start and end, its output events and adapter errors to the channel. */
export class DebugAdapterLogger implements vscode.DebugAdapterTrackerFactory {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const log = this.log;
    const name = vscode.l10n.t("debug session '{0}'", session.name);
    return {
      onWillStartSession: () => log.info(vscode.l10n.t("{0}: starting (graph {1})", name, String(session.configuration.graph))),
      onDidSendMessage: (message: { type?: string; event?: string; body?: { category?: string; output?: string } }) => {
        if (message.type !== "event" || message.event !== "output" || message.body?.category === "telemetry") return;
        const text = message.body?.output?.replace(/\n$/, "");
        if (text) (message.body?.category === "stderr" ? log.warn : log.info).call(log, `${name}: ${text}`);
      },
      // VS Code reports the adapter's stdout closing, at the end of every session, as an
      // error ("read error"); real failures show in onExit's code, so this stays at debug level.
      onError: (error) => log.debug(vscode.l10n.t("{0}: adapter stream: {1}", name, error.message)),
      onExit: (code, signal) => {
        if (code === 0 || (code === undefined && signal === undefined)) log.info(vscode.l10n.t("{0}: adapter exited", name));
        else if (signal) log.error(vscode.l10n.t("{0}: adapter exited with signal {1}", name, signal));
        else log.error(vscode.l10n.t("{0}: adapter exited with code {1}", name, String(code)));
      },
    };
  }
}
