// At most `limit` events per address and window: how the log keeps a line per unauthenticated
// attempt without letting a flood from one address fill the disk. Memory is bounded too: the
// addresses of the current window only, and at most MAX_ADDRESSES of them.

const MAX_ADDRESSES = 10_000;

export class PerAddressLimit {
  private windowStart = 0;
  private readonly counts = new Map<string, { taken: number; suppressed: number }>();
  /** Suppressed counts of the previous window, reported on the address's next line. */
  private carried = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * false: over the limit (the event is counted as suppressed). Otherwise how many events of
   * this address were suppressed since its last line (0 mostly), for this line to report.
   */
  take(address: string): number | false {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.carried = new Map([...this.counts].filter(([, c]) => c.suppressed > 0).map(([a, c]) => [a, c.suppressed]));
      this.counts.clear();
      this.windowStart = now;
    }
    // A flood from many addresses: once the window's memory is full, new ones share one entry.
    const key = this.counts.has(address) || this.counts.size < MAX_ADDRESSES ? address : '*';
    let entry = this.counts.get(key);
    if (!entry) {
      entry = { taken: 0, suppressed: this.carried.get(key) ?? 0 };
      this.carried.delete(key);
      this.counts.set(key, entry);
    }
    if (entry.taken >= this.limit) {
      entry.suppressed++;
      return false;
    }
    entry.taken++;
    const suppressed = entry.suppressed;
    entry.suppressed = 0;
    return suppressed;
  }
}
