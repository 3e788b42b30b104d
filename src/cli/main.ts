// The `stepgraph` command line: dispatches to one file per subcommand.
import { cacheCommand } from "./cache";
import { checkCommand } from "./check";
import { Exit, UserError, type Command } from "./command";
import { dapCommand } from "./dap";
import { deadCommand } from "./dead";
import { deployCommand } from "./deploy";
import { graphCommand } from "./graph";
import { lspCommand } from "./lsp";
import { runCommand } from "./run";
import { statusCommand } from "./status";
import { submitCommand } from "./submit";
import { workerCommand } from "./worker";

const commands: readonly Command[] = [checkCommand, runCommand, graphCommand, dapCommand, lspCommand, deployCommand, workerCommand, submitCommand, statusCommand, deadCommand, cacheCommand];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Usage: stepgraph COMMAND [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'stepgraph COMMAND --help' for a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? Exit.usage : Exit.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) throw new UserError(`unknown command '${name}' (commands: ${commands.map((c) => c.name).join(", ")})`);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${command.usage}\n`);
    return Exit.ok;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      process.stderr.write(`stepgraph: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    // A bug of ours, not a user's mistake: the stack helps the report.
    process.stderr.write(`stepgraph: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
