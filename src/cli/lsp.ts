// `stepgraph lsp --stdio`: the language server for any LSP client.
import { startServer } from "../language-server/server";
import { createServerConnection } from "../language-server/transport";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";

export const lspCommand: Command = {
  name: "lsp",
  summary: "run the language server (LSP) on stdio",
  usage: `Usage: stepgraph lsp [--stdio | --node-ipc | --socket=PORT]

Speaks the Language Server Protocol on stdin/stdout (the default), or over the transport
an LSP client names. Cached-output previews on hover use the Redis given as the client's
initializationOptions.redisUrl or STEPGRAPH_REDIS_URL; without one there are none.`,
  async run(args) {
    const { positionals } = parseArguments("lsp", args, {
      stdio: { type: "boolean" },
      "node-ipc": { type: "boolean" },
      socket: { type: "string" },
      pipe: { type: "string" },
      clientProcessId: { type: "string" },
    });
    if (positionals.length > 0) throw new UserError("lsp: takes no file (the client opens documents)");
    startServer(createServerConnection(args));
    // The server runs until the client sends `exit`, which ends the process.
    return Exit.ok;
  },
};
