// `--input JSON` and `--input-file F`: the job's payload, read with one clear error each.
import { readFileSync } from "node:fs";
import { defaultInputFile } from "../runtime/default-input";
import { UserError } from "./command";

export const JOB_INPUT_OPTIONS = {
  input: { type: "string" },
  "input-file": { type: "string" },
} as const;

/** The payload the options give; without either, the graph's neighbouring input file (said on stderr), else `{}`. */
export function readJobPayload(values: { input?: string; "input-file"?: string }, graphPath: string): unknown {
  if (values.input !== undefined && values["input-file"] !== undefined) throw new UserError("give --input or --input-file, not both");
  if (values.input !== undefined) return parseJson(values.input, "--input");
  let file = values["input-file"];
  if (file === undefined) {
    file = defaultInputFile(graphPath);
    if (file === undefined) return {};
    process.stderr.write(`stepgraph: input from ${file} (no --input or --input-file given)\n`);
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`--input-file ${file} ${code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code})`}`);
  }
  return parseJson(text, `--input-file ${file}`);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where} is not valid JSON: ${(e as Error).message}`);
  }
}
