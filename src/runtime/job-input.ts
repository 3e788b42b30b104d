// A job's payload checked against the graph's inputs: an object with every input that
// has no default, and no field the graph does not declare.
import { readFileSync } from "node:fs";
import type { InputModel } from "../graph/model";

export class JobInputError extends Error {}

/** The payload in a JSON file; a missing, unreadable or invalid file is one clear JobInputError naming it. */
export function readJobInputFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new JobInputError(`${file} ${code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code})`}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JobInputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function resolveJobInput(graph: { inputs: readonly Pick<InputModel, "name" | "hasDefault" | "default">[] }, payload: unknown): Record<string, unknown> {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new JobInputError(`the input must be a JSON object with the graph's inputs (${describeInputs(graph)}), not ${Array.isArray(payload) ? "an array" : payload === null ? "null" : typeof payload}`);
  }
  const fields = payload as Record<string, unknown>;
  const declared = new Set(graph.inputs.map((i) => i.name));
  const unknown = Object.keys(fields).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new JobInputError(`the input has ${unknown.length === 1 ? "a field" : "fields"} the graph does not declare: ${unknown.join(", ")} (the graph's inputs: ${describeInputs(graph)})`);
  }
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const input of graph.inputs) {
    if (Object.hasOwn(fields, input.name)) values[input.name] = fields[input.name];
    else if (input.hasDefault) values[input.name] = structuredClone(input.default);
    else missing.push(input.name);
  }
  if (missing.length > 0) throw new JobInputError(`the input lacks ${missing.map((m) => `'${m}'`).join(", ")}, which ${missing.length === 1 ? "has" : "have"} no default`);
  return values;
}

function describeInputs(graph: { inputs: readonly Pick<InputModel, "name" | "hasDefault" | "default">[] }): string {
  if (graph.inputs.length === 0) return "none";
  return graph.inputs.map((i) => (i.hasDefault ? `${i.name}?` : i.name)).join(", ");
}
