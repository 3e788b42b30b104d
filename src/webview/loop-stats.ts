// The production figures of each loop as the view writes them: into its frame's
// `sg-loop-stats` text, or, for a loop drawn without a frame (the implicit `main` as the
// only loop), into the toolbar.
import type { LoopStats } from "./messages";
import { format, type ViewStrings } from "./view-strings";

export interface LoopStatsTexts {
  /** By framed loop: its figures, "" for a loop the status does not list. */
  frames: Map<string, string>;
  /** The figures of loops without a frame, for the toolbar. */
  unframed: string;
}

export function loopStatsText(stats: LoopStats, strings: Pick<ViewStrings, "loopStats">): string {
  return format(strings.loopStats, stats.waiting, stats.inFlight, stats.rate);
}

export function loopStatsTexts(stats: readonly LoopStats[] | null, framed: readonly string[], strings: Pick<ViewStrings, "loopStats" | "unframedLoop">): LoopStatsTexts {
  const byName = new Map((stats ?? []).map((loop) => [loop.name, loop]));
  const frames = new Map(framed.map((name) => {
    const loop = byName.get(name);
    return [name, loop === undefined ? "" : loopStatsText(loop, strings)] as const;
  }));
  const unframed = (stats ?? []).filter((loop) => !frames.has(loop.name)).map((loop) => format(strings.unframedLoop, loop.name, loopStatsText(loop, strings)));
  return { frames, unframed: unframed.join("; ") };
}
