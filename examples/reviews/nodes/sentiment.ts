// Word-list sentiment: no model, no network. A score in [-1, 1] per text.

const POSITIVE = new Set(["great", "good", "lovely", "excellent", "love", "quick", "quiet", "fast", "value"]);
const NEGATIVE = new Set(["bad", "broke", "broken", "hot", "stiff", "slow", "loud", "awful", "leaks"]);
const NEGATIONS = new Set(["not", "never", "no"]);

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z']+/g) ?? [];
}

/** +1 per positive word, -1 per negative one (flipped after a negation), over the words that count. */
export function scoreWords(words: string[], negation: boolean): number {
  let total = 0;
  let counted = 0;
  words.forEach((word, i) => {
    const polarity = POSITIVE.has(word) ? 1 : NEGATIVE.has(word) ? -1 : 0;
    if (polarity === 0) return;
    const negated = negation && i > 0 && NEGATIONS.has(words[i - 1]);
    total += negated ? -polarity : polarity;
    counted++;
  });
  return counted === 0 ? 0 : Math.round((total / counted) * 100) / 100;
}

export function labelOf(score: number): "positive" | "neutral" | "negative" {
  return score > 0.25 ? "positive" : score < -0.25 ? "negative" : "neutral";
}
