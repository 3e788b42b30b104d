// Reading the JSON the CLI prints with --json. It comes from another process (possibly
// another version of the CLI), so nothing is trusted to have the expected shape.

/** The JSON value stdout holds: all of it (pretty-printed), else its last line that parses (a notice may come first). */
export function lastJsonValue(stdout: string): unknown {
  const whole = tryJson(stdout.trim());
  if (whole !== undefined) return whole;
  const lines = stdout.split(/\r?\n/).filter((line) => line.trim() !== "");
  for (let i = lines.length - 1; i >= 0; i--) {
    const value = tryJson(lines[i]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Each line of stdout that is a JSON object (one per job, for `submit --json`). */
export function jsonObjectLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split(/\r?\n/)
    .map((line) => tryJson(line.trim()))
    .filter(isRecord);
}

/** The parsed text, or undefined when it is empty or not JSON. */
export function tryJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
