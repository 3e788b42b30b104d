// Reading a stored JSON object that may be anything (an older format, a corrupt write): its
// fields to check one by one, or undefined when the text is not a JSON object at all.

export function parseJsonRecord(text: string): Record<string, unknown> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
}
