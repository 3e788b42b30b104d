// The last node: assemble everything into one enriched document. enrich.graph uses
// this module as `doc`: `doc.assemble(...)`.
import type { Keyword, Sentiment, Summary } from "./analysis";
import type { DetectedLanguage } from "./language";
import type { ReadingTime } from "./text";

/** The graph's result. */
export interface EnrichedDocument {
  text: string;
  language: { code: string; confidence: number };
  stats: { characters: number; sentences: number; words: number; distinctWords: number };
  keywords: Keyword[];
  sentiment: Sentiment;
  readingTime: ReadingTime;
  summary: string;
}

/**
 * Joins the results of every analysis into the enriched document (the fan-in of the
 * graph), adding a few counts.
 */
export function assemble(
  text: string,
  sentences: string[],
  tokens: string[],
  language: DetectedLanguage,
  keywords: Keyword[],
  sentiment: Sentiment,
  readingTime: ReadingTime,
  summary: Summary,
): EnrichedDocument {
  return {
    text,
    language: { code: language.code, confidence: language.confidence },
    stats: {
      characters: text.length,
      sentences: sentences.length,
      words: tokens.length,
      distinctWords: new Set(tokens).size,
    },
    keywords,
    sentiment,
    readingTime,
    summary: summary.text,
  };
}
