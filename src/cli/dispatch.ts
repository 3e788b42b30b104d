// Running one of the command line's commands: the help, the dispatch, and the exit code and
// the one line a user's mistake gets. The whole command line (main.ts) and the worker's own
// entry (worker-main.ts) both run through here.
import { Exit, UserError, type Command } from "./command";

function usage(commands: readonly Command[]): string {
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

async function dispatch(commands: readonly Command[], argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage(commands)}\n`);
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

/** Runs the command `argv` names, of `commands`, and sets the exit code (a user's mistake: one line). */
export function runCommandLine(commands: readonly Command[], argv: readonly string[]): void {
  dispatch(commands, argv).then(
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
}
