// `--input JSON` and `--input-file F`: the job's payload, read with one clear error each.
import { readFileSync } from "node:fs";
import { UserError } from "./command";

export const JOB_INPUT_OPTIONS = {
  input: { type: "string" },
  "input-file": { type: "string" },
} as const;

export function readJobPayload(values: { input?: string; "input-file"?: string }): unknown {
  if (values.input !== undefined && values["input-file"] !== undefined) throw new UserError("give --input or --input-file, not both");
  if (values.input !== undefined) return parseJson(values.input, "--input");
  const file = values["input-file"];
  if (file === undefined) return {};
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
