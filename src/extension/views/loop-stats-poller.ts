// Reads the loop figures again every few seconds while the graph view's Production toggle is
// on and the view is visible: one reading at a time, the next one `intervalMs` after the last
// finished; stopping aborts a reading under way (its CLI gets SIGTERM) and drops its result.
export const LOOP_STATS_INTERVAL_MS = 3000;

export class LoopStatsPoller<T> {
  private timer: NodeJS.Timeout | undefined;
  private reading: AbortController | undefined;

  constructor(
    private readonly read: (signal: AbortSignal) => Promise<T>,
    private readonly report: (result: T) => void,
    private readonly failed: (error: unknown) => T,
    private readonly intervalMs = LOOP_STATS_INTERVAL_MS,
  ) {}

  get running(): boolean {
    return this.reading !== undefined;
  }

  /** Reads now, then every `intervalMs`; does nothing while already running. */
  start(): void {
    if (this.reading) return;
    void this.poll(new AbortController());
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reading?.abort();
    this.reading = undefined;
  }

  private async poll(reading: AbortController): Promise<void> {
    this.reading = reading;
    let result: T;
    try {
      result = await this.read(reading.signal);
    } catch (error) {
      result = this.failed(error);
    }
    if (reading.signal.aborted) return;
    this.report(result);
    this.timer = setTimeout(() => void this.poll(reading), this.intervalMs);
  }
}
