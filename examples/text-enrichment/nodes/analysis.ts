// Analysis nodes: keywords, sentiment and summary. enrich.graph uses this module
// without an alias, next to text.ts (the two export no function of the same name).
import { NEGATORS, SENTIMENT, STOPWORDS, type Language } from "./lexicon";
import { tokenize } from "./text";

/** A keyword and how often it occurs. */
export interface Keyword {
  term: string;
  count: number;
}

/** A naive sentiment reading. */
export interface Sentiment {
  /** From -1 (all negative words) to 1 (all positive); 0 when no word counted. */
  score: number;
  label: "positive" | "neutral" | "negative";
  /** The words that counted, in text order; a negated one is marked: "good (negated)". */
  positive: string[];
  negative: string[];
}

/** The summary: the chosen sentences in text order. */
export interface Summary {
  sentences: string[];
  text: string;
}

/**
 * The `maxKeywords` most frequent words that are not stopwords of `language`, at least
 * three letters long and not numbers. Ties go to the word that occurs first.
 */
export function extractKeywords(tokens: string[], language: Language, maxKeywords: number): Keyword[] {
  if (!Number.isInteger(maxKeywords) || maxKeywords < 0) {
    throw new Error(`maxKeywords must be a whole number >= 0, got ${maxKeywords}`);
  }
  const stopwords = STOPWORDS[language];
  // A Map keeps insertion order, which is first-occurrence order: the tie-break.
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.length < 3 || stopwords.has(token) || /^\p{N}+$/u.test(token)) continue;
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return [...counts]
    .map(([term, count]) => ({ term, count }))
    .sort((a, b) => b.count - a.count) // a stable sort: equal counts keep text order
    .slice(0, maxKeywords);
}

/**
 * Counts the positive and negative words of `language` in the tokens; a word within
 * two tokens after a negator ("not", "nicht", "pas", ...) counts the other way.
 * score = (positive - negative) / (positive + negative), rounded to two decimals;
 * the label is "positive" above 0.2, "negative" below -0.2, else "neutral".
 */
export function scoreSentiment(tokens: string[], language: Language): Sentiment {
  const lists = SENTIMENT[language];
  const negators = NEGATORS[language];
  const positive: string[] = [];
  const negative: string[] = [];
  tokens.forEach((token, i) => {
    const polarity = lists.positive.has(token) ? 1 : lists.negative.has(token) ? -1 : 0;
    if (polarity === 0) return;
    const negated = tokens.slice(Math.max(0, i - 2), i).some((t) => negators.has(t));
    const word = negated ? `${token} (negated)` : token;
    if ((negated ? -polarity : polarity) > 0) positive.push(word);
    else negative.push(word);
  });
  const counted = positive.length + negative.length;
  const score = counted === 0 ? 0 : Math.round(((positive.length - negative.length) / counted) * 100) / 100;
  const label = score > 0.2 ? "positive" : score < -0.2 ? "negative" : "neutral";
  return { score, label, positive, negative };
}

/**
 * An extractive summary: the `count` sentences with the highest keyword density (the
 * share of a sentence's words that are keywords), ties to the earlier sentence,
 * returned in their original order.
 */
export function summarize(sentences: string[], keywords: Keyword[], count: number): Summary {
  const terms = new Set(keywords.map((k) => k.term));
  const ranked = sentences
    .map((sentence, index) => {
      const words = tokenize(sentence);
      const hits = words.filter((w) => terms.has(w)).length;
      return { index, density: words.length === 0 ? 0 : hits / words.length };
    })
    .sort((a, b) => b.density - a.density || a.index - b.index);
  const chosen = ranked
    .slice(0, count)
    .sort((a, b) => a.index - b.index)
    .map((r) => sentences[r.index]);
  return { sentences: chosen, text: chosen.join(" ") };
}
