// Language detection. enrich.graph uses this module as `lang`: `lang.detectLanguage(tokens)`.
import type { NodeContext } from "./context";
import { LANGUAGES, STOPWORDS, type Language } from "./lexicon";

/** The detected language, with the evidence. */
export interface DetectedLanguage {
  code: Language;
  /** Share of the stopword hits that went to `code`, from 0 to 1 (0: no evidence at all). */
  confidence: number;
  /** Stopword hits per language. */
  hits: Record<Language, number>;
}

/**
 * Guesses the language (en, de or fr) by counting each language's stopwords among the
 * tokens: the language with most hits wins, ties go to the earlier of en, de, fr. A text
 * without any stopword comes out as English with confidence 0.
 */
export function detectLanguage(tokens: string[], ctx: NodeContext): DetectedLanguage {
  const hits: Record<Language, number> = { en: 0, de: 0, fr: 0 };
  for (const token of tokens) {
    for (const language of LANGUAGES) {
      if (STOPWORDS[language].has(token)) hits[language] += 1;
    }
  }
  let code: Language = LANGUAGES[0];
  for (const language of LANGUAGES) if (hits[language] > hits[code]) code = language;
  const total = LANGUAGES.reduce((sum, language) => sum + hits[language], 0);
  const confidence = total === 0 ? 0 : Math.round((hits[code] / total) * 100) / 100;
  ctx.log(`stopword hits ${JSON.stringify(hits)}: ${code} (confidence ${confidence})`);
  return { code, confidence, hits };
}
