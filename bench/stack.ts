// `npm run bench:stack`: boot time of the reference stack to "all healthy",
// against the embedded Postgres start alone. Goal: stack < 2x Postgres, < 3 s.
import { bootStack, FREE_PORTS, startPostgres } from "../stack/index.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function healthy(urls: string[]): Promise<void> {
  for (const url of urls) {
    const response = await fetch(url.split("#")[0] ?? url, {
      headers: url.includes("#") ? { apikey: url.split("#")[1] ?? "" } : {},
    });
    if (!response.ok) throw new Error(`${url.split("#")[0]} answered ${response.status}`);
    await response.body?.cancel();
  }
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `median ${median.toFixed(0)} ms (min ${sorted[0]?.toFixed(0)}, max ${sorted.at(-1)?.toFixed(0)})`;
}

const postgres: number[] = [];
const stack: number[] = [];
const parts: Array<Record<string, number>> = [];
for (let run = 0; run < RUNS; run++) {
  let t0 = performance.now();
  const pg = await startPostgres();
  postgres.push(performance.now() - t0);
  await pg.stop();

  t0 = performance.now();
  const running = await bootStack({ ports: FREE_PORTS, envFile: false });
  await healthy([
    `${running.urls.backend}/health`,
    `${running.urls.frontend}/`,
    `${running.urls.supabase}/auth/v1/health#${running.keys.anonKey}`,
    `${running.urls.mailApi}/health`,
  ]);
  stack.push(performance.now() - t0);
  parts.push(running.bootMs);
  await running.stop();
}

const pgMedian = [...postgres].sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 1;
const stackMedian = [...stack].sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
const last = parts.at(-1) ?? {};
process.stdout.write(
  [
    `Reference stack boot, ${RUNS} runs on ${(await import("node:os")).cpus().length} cores`,
    `  embedded Postgres start alone: ${stats(postgres)}`,
    `  whole stack to all healthy:    ${stats(stack)}`,
    `  ratio stack / Postgres:        ${(stackMedian / pgMedian).toFixed(2)}x (goal < 2x), under 3 s: ${stackMedian < 3000 ? "yes" : "no"}`,
    `  last run's parts: ${Object.entries(last)
      .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
      .join(", ")}`,
    "",
  ].join("\n"),
);
