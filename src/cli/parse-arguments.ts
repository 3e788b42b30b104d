// Argument parsing for subcommands on node's util.parseArgs, with its errors turned into one-line user errors.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseArguments<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs messages are clear but long; keep their first sentence.
    const message = (e as Error).message.split(/\. |\n/)[0];
    throw new UserError(`${command}: ${message} (see 'stepgraph ${command} --help')`);
  }
}
