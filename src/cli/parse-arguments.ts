// Argument parsing for subcommands on node's util.parseArgs, with its errors turned into one-line user errors.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseArguments<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args: negativeValuesJoined(args, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs messages are clear but long; keep their first sentence.
    const message = (e as Error).message.split(/\. |\n/)[0];
    throw new UserError(`${command}: ${message} (see 'stepgraph ${command} --help')`);
  }
}

/**
 * `--count -1` as `--count=-1`: parseArgs takes a value that starts with a dash for an option
 * and refuses it as "ambiguous"; a negative number after an option that takes a value is its
 * value, so that the option's own check says what is wrong with it.
 */
function negativeValuesJoined(args: readonly string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const option = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (option !== undefined && options[option]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  return joined;
}
