// The debug adapter's entry points: DAP over stdio (the default), or a TCP server with
// --server=PORT that serves one session per connection.
import { createServer } from "node:net";
import { StepgraphDebugSession } from "./session";

export function runDebugAdapter(options: { port?: number } = {}): Promise<void> {
  if (options.port === undefined) {
    const session = new StepgraphDebugSession();
    session.start(process.stdin, process.stdout);
    // The client closing stdin ends the session (node hosts, a private Redis) and the adapter.
    process.stdin.on("end", () => session.shutdown());
    return new Promise(() => undefined);
  }
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      const session = new StepgraphDebugSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
      // A connection that drops without a disconnect request still ends its session.
      socket.on("close", () => session.shutdown());
    });
    server.on("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      const address = server.address();
      process.stderr.write(`stepgraph debug adapter listening on 127.0.0.1:${typeof address === "object" && address ? address.port : options.port}\n`);
    });
    process.once("SIGTERM", () => server.close(() => resolve()));
  });
}
