// `stepgraph dap [--server=PORT]`: the debug adapter for any DAP client.
import { runDebugAdapter } from "../../debug-adapter/main";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";

export const dapCommand: Command = {
  name: "dap",
  summary: "run the debug adapter (DAP) on stdio, or as a TCP server",
  usage: `Usage: stepgraph dap [--server=PORT]

Speaks the Debug Adapter Protocol on stdin/stdout, or with --server=PORT listens on
127.0.0.1:PORT (0 picks a free port) and serves one session per connection.`,
  async run(args) {
    const { values, positionals } = parseArguments("dap", args, { server: { type: "string" } });
    if (positionals.length > 0) throw new UserError("dap: takes no file (the launch request names the graph)");
    let port: number | undefined;
    if (values.server !== undefined) {
      port = Number(values.server);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`dap: --server takes a port number, not '${values.server}'`);
    }
    await runDebugAdapter(port === undefined ? {} : { port });
    return Exit.ok;
  },
};
