const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a duration in Go's time.ParseDuration syntax ("24h", "1h30m", "90s"),
 * which GoTrue uses for ban_duration. Returns milliseconds; throws an Error
 * worded like Go's.
 */
export function parseGoDuration(input: string): number {
  const quoted = JSON.stringify(input);
  let rest = input;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== "") {
    const number = rest.match(/^(\d*)(?:\.(\d*))?/);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2];
    if (whole === "" && (fraction === undefined || fraction === "")) {
      throw new Error(`time: invalid duration ${quoted}`);
    }
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = rest.match(/^[^\d.]+/)?.[0];
    if (!unit) throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = UNIT_MS[unit];
    if (scale === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    }
    rest = rest.slice(unit.length);
    total += Number(`${whole || "0"}.${fraction || "0"}`) * scale;
  }
  return sign * total;
}
