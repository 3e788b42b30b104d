// `--input JSON` and `--input-file F`: the job's payload, read with one clear error each.
import { defaultInputFile } from "../runtime/default-input";
import { JobInputError, readJobInputFile } from "../runtime/job-input";
import { UserError } from "./command";

export const JOB_INPUT_OPTIONS = {
  input: { type: "string" },
  "input-file": { type: "string" },
} as const;

/**
 * The payload the options give; without either, the graph's neighbouring input file (said
 * on stderr) when there is a graph file, else `{}`.
 */
export function readJobPayload(values: { input?: string; "input-file"?: string }, graphPath?: string): unknown {
  if (values.input !== undefined && values["input-file"] !== undefined) throw new UserError("give --input or --input-file, not both");
  if (values.input !== undefined) {
    try {
      return JSON.parse(values.input);
    } catch (e) {
      throw new UserError(`--input is not valid JSON: ${(e as Error).message}`);
    }
  }
  let file = values["input-file"];
  if (file === undefined) {
    file = graphPath === undefined ? undefined : defaultInputFile(graphPath);
    if (file === undefined) return {};
    process.stderr.write(`stepgraph: input from ${file} (no --input or --input-file given)\n`);
  }
  try {
    return readJobInputFile(file);
  } catch (e) {
    if (e instanceof JobInputError) throw new UserError(`--input-file ${e.message}`);
    throw e;
  }
}
