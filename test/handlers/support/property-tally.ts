/**
 * What the property runs saw: each outcome's count and each request's time, per property.
 * A property whose generators stop reaching an outcome (every case a 400, say) still passes
 * while proving nothing; `unreached` lets the test fail instead. `FAST_CHECK_REPORT=1` prints
 * the tally, to tune generators or read the time figures.
 */
export class PropertyTally {
  private readonly outcomes = new Map<string, Map<string, number>>();
  private readonly timesMs = new Map<string, number[]>();

  record(property: string, outcome: string, elapsedMs?: number): void {
    const counts = this.outcomes.get(property) ?? new Map<string, number>();
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    this.outcomes.set(property, counts);
    if (elapsedMs !== undefined) {
      const times = this.timesMs.get(property) ?? [];
      times.push(elapsedMs);
      this.timesMs.set(property, times);
    }
  }

  /** The outcomes in `expected` that `property` never saw. */
  unreached(property: string, expected: readonly string[]): string[] {
    const counts = this.outcomes.get(property);
    return expected.filter((outcome) => !counts?.has(outcome));
  }

  report(): string {
    return [...this.outcomes].map(([property, counts]) => {
      const seen = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([outcome, count]) => `${outcome}: ${count}`).join(', ');
      const times = [...(this.timesMs.get(property) ?? [])].sort((a, b) => a - b);
      const at = (quantile: number) => times[Math.min(times.length - 1, Math.floor(quantile * times.length))].toFixed(2);
      const timing = times.length === 0 ? '' : `; ${times.length} timed requests, median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
      return `${property}: ${seen}${timing}`;
    }).join('\n');
  }
}
