// `stepgraph dap [--server=PORT [--token-file F]]`: the debug adapter for any DAP client.
import { readFileSync } from "node:fs";
import { runDebugAdapter } from "../../debug-adapter/main";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";

export const dapCommand: Command = {
  name: "dap",
  summary: "run the debug adapter (DAP) on stdio, or as a TCP server",
  usage: `Usage: stepgraph dap [--server=PORT [--token-file F]]

Speaks the Debug Adapter Protocol on stdin/stdout, or with --server=PORT listens on
127.0.0.1:PORT (0 picks a free port) and serves one session per connection.

A server serves only clients that give its token as the launch attribute "token"
(e.g. "token": "\${env:STEPGRAPH_DAP_TOKEN}"); any other connection gets one error
response and is closed. The token is the first line of --token-file F, else
STEPGRAPH_DAP_TOKEN, else a fresh one printed on stderr.`,
  async run(args) {
    const { values, positionals } = parseArguments("dap", args, { server: { type: "string" }, "token-file": { type: "string" } });
    if (positionals.length > 0) throw new UserError("dap: takes no file (the launch request names the graph)");
    if (values.server === undefined) {
      if (values["token-file"] !== undefined) throw new UserError("dap: --token-file is for --server (on stdio the editor started the adapter itself)");
      await runDebugAdapter();
      return Exit.ok;
    }
    const port = Number(values.server);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`dap: --server takes a port number, not '${values.server}'`);
    const token = values["token-file"] !== undefined ? readTokenFile(values["token-file"]) : process.env.STEPGRAPH_DAP_TOKEN?.trim() || undefined;
    await runDebugAdapter(token === undefined ? { port } : { port, token });
    return Exit.ok;
  },
};

function readTokenFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(`dap: cannot read the token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0].trim();
  if (token === "") throw new UserError(`dap: the token file ${file} is empty`);
  return token;
}
