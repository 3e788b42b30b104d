// The debug adapter's entry points: DAP over stdio (the default), or a TCP server with
// --server=PORT on 127.0.0.1 that serves one session per connection, to clients that give
// its token (server-token.ts).
import { createServer } from "node:net";
import { generateServerToken } from "./server-token";
import { StepgraphDebugSession } from "./session";

export function runDebugAdapter(options: { port?: number; token?: string } = {}): Promise<void> {
  if (options.port === undefined) {
    const session = new StepgraphDebugSession();
    session.start(process.stdin, process.stdout);
    // The client closing stdin ends the session (node hosts, a private Redis) and the adapter.
    process.stdin.on("end", () => session.shutdown());
    return new Promise(() => undefined);
  }
  const token = options.token ?? generateServerToken();
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, (socket) => {
      const session = new StepgraphDebugSession({ token, refuse: () => socket.end() });
      session.setRunAsServer(true);
      session.start(socket, socket);
      // A connection that drops without a disconnect request still ends its session.
      socket.on("close", () => session.shutdown());
      socket.on("error", () => undefined);
    });
    server.on("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      // One write, the token first: a client reading up to the "listening" line has both.
      const made = options.token === undefined ? `stepgraph debug adapter token (give it as the launch attribute): "token": "${token}"\n` : "";
      process.stderr.write(`${made}stepgraph debug adapter listening on 127.0.0.1:${port}\n`);
    });
    process.once("SIGTERM", () => server.close(() => resolve()));
  });
}
