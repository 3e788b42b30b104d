// Text nodes: clean the text up, cut it into sentences and words, time the reading.
// enrich.graph uses this module without an alias: `normalise(text)`.

/**
 * Cleans raw text for the other nodes: Unicode NFC, typographic quotes and apostrophes
 * made plain, runs of whitespace (line breaks included) collapsed to one space.
 * Throws when nothing is left.
 */
export function normalise(text: string): string {
  if (typeof text !== "string") throw new Error(`text must be a string, got ${typeof text}`);
  const clean = text
    .normalize("NFC")
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/\s+/gu, " ")
    .trim();
  if (clean === "") throw new Error("the text is empty");
  return clean;
}

/**
 * Splits normalised text into sentences: after `.`, `!`, `?` or `…` followed by a space
 * and a capital letter, digit or opening quote. Naive: "Dr. Smith" is cut in two.
 */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?…])\s+(?=["'(]?[\p{Lu}\p{N}])/u).filter((s) => s !== "");
}

/**
 * Cuts text into lower-case words: runs of letters, or runs of digits. Punctuation and
 * apostrophes separate words ("don't" gives "don" and "t").
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/\p{L}+|\p{N}+/gu) ?? [];
}

/** A reading-time estimate. */
export interface ReadingTime {
  words: number;
  seconds: number;
  /** "under a minute", "2 min read", ... */
  label: string;
}

/** How long the text takes to read at `wordsPerMinute`, in seconds and as a label. */
export function readingTime(tokens: string[], wordsPerMinute: number): ReadingTime {
  if (!(wordsPerMinute > 0)) throw new Error(`wordsPerMinute must be positive, got ${wordsPerMinute}`);
  const words = tokens.length;
  const seconds = Math.round((words / wordsPerMinute) * 60);
  const label = seconds < 60 ? "under a minute" : `${Math.round(seconds / 60)} min read`;
  return { words, seconds, label };
}
