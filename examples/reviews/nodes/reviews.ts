// The review pipeline's nodes. Deterministic: the same reviews give the same report.

export interface Review {
  id: string;
  stars: number;
  text: string;
}

export interface Scored {
  score: number;
  label: "positive" | "neutral" | "negative";
}

export interface Summary {
  count: number;
  average: number;
  stars: number;
  worst: { id: string; score: number } | null;
  labels: Record<string, number>;
}

export interface BrandVoice {
  tone: string;
  signOff: string;
  reviewedAt: Date;
  banned: Set<string>;
}

export function reviewTexts(reviews: Review[]): string[] {
  return reviews.map((r) => r.text);
}

export function summarise(reviews: Review[], scored: Scored[]): Summary {
  const labels: Record<string, number> = { positive: 0, neutral: 0, negative: 0 };
  let worst: Summary["worst"] = null;
  scored.forEach((s, i) => {
    labels[s.label]++;
    if (worst === null || s.score < worst.score) worst = { id: reviews[i].id, score: s.score };
  });
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const average = scored.length === 0 ? 0 : Math.round((sum(scored.map((s) => s.score)) / scored.length) * 100) / 100;
  const stars = reviews.length === 0 ? 0 : Math.round((sum(reviews.map((r) => r.stars)) / reviews.length) * 10) / 10;
  return { count: reviews.length, average, stars, worst, labels };
}

/** In a real shop this would fetch the brand's style guide; the graph pins its output instead. */
export function loadBrandVoice(): BrandVoice {
  throw new Error("the brand voice service is not reachable from development (the graph pins this node)");
}

export function draftAlert(summary: Summary, voice: BrandVoice): string {
  return `Reviews are turning ${summary.average < -0.5 ? "sharply " : ""}negative (average ${summary.average} over ${summary.count}); worst: ${summary.worst?.id}. Reply in a ${voice.tone} tone. — ${voice.signOff}`;
}

export function buildReport(summary: Summary, alert: string | undefined): { headline: string; labels: Record<string, number>; alert: string } {
  return {
    headline: `${summary.count} reviews, ${summary.stars} stars on average, sentiment ${summary.average}`,
    labels: summary.labels,
    alert: alert ?? "none",
  };
}
