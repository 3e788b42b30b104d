// The connection to the client. stdio unless the command line names another transport
// (--node-ipc, --socket=PORT, --pipe=NAME, as vscode-languageclient passes them).
import { createConnection, ProposedFeatures, type Connection } from "vscode-languageserver/node";

export function createServerConnection(argv: readonly string[]): Connection {
  const otherTransport = argv.some((arg) => arg === "--node-ipc" || arg.startsWith("--socket=") || arg.startsWith("--pipe="));
  return otherTransport ? createConnection(ProposedFeatures.all) : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
}
