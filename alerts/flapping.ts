import type { HistoryMark } from "./types.ts";

/** Nagios keeps the last 21 states: 20 possible changes. */
export const HISTORY_SIZE = 21;
const LOW_WEIGHT = 0.75;
const HIGH_WEIGHT = 1.25;

/**
 * Nagios' weighted percent state change: recent changes weigh more (1.25) than
 * old ones (0.75), so a check that just started bouncing crosses the threshold
 * sooner, and one that settled drops out sooner.
 */
export function percentStateChange(history: readonly HistoryMark[]): number {
  const changes = HISTORY_SIZE - 1;
  // Align to the newest end so a short history weighs its latest change fully.
  const offset = HISTORY_SIZE - history.length;
  let weighted = 0;
  for (let i = 1; i < history.length; i++) {
    if (history[i] === history[i - 1]) continue;
    const position = i + offset - 1;
    weighted += LOW_WEIGHT + (position * (HIGH_WEIGHT - LOW_WEIGHT)) / (changes - 1);
  }
  return (weighted * 100) / changes;
}

/** Hysteresis: start above `high`, stop only below `low`. */
export function nextFlapping(
  wasFlapping: boolean,
  history: readonly HistoryMark[],
  thresholds: { low: number; high: number },
): boolean {
  const percent = percentStateChange(history);
  return wasFlapping ? percent >= thresholds.low : percent >= thresholds.high;
}

export function pushHistory(history: readonly HistoryMark[], mark: HistoryMark): HistoryMark[] {
  return [...history, mark].slice(-HISTORY_SIZE);
}
