// The shape of a `stepgraph` subcommand, and the error a user's mistake raises.

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Exit codes shared by every command. */
export const Exit = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in what the user asked for: printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = Exit.usage,
  ) {
    super(message);
  }
}
