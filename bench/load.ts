// `npm run bench:load`: what the load generator costs and whether it distorts
// the verdict. Against the reference stack on this machine:
//   1. Artillery's CPU time per 1,000 requests at rising rates of the
//      frontend scenario (its start-up cost, measured on a one-visit run, set
//      apart), how much of a core it keeps busy, and whether one Artillery
//      process keeps sending what it should;
//   2. the p95 Artillery reports for /health at a fixed rate, next to wrk's
//      (an independent generator, in C) at the same rate, alternating twice,
//      with the backend's own logged time: the floor both stand on.
// Needs wrk: `apt-get install -y wrk` on Debian/Ubuntu, `brew install wrk` on macOS.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { LOCAL_PROCESSOR, runArtillery } from "../load/artillery.ts";
import { artilleryOverrides } from "../load/overrides.ts";
import { planScenario, readProfile } from "../load/profile.ts";
import { readSla } from "../load/sla.ts";
import { endpointStats } from "../load/stats.ts";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS } from "../stack/index.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** Low enough that the stack is not saturated: a closed-loop tool like wrk under-reports a saturated server. */
const COMPARE_RATE = Number(process.env.BENCH_COMPARE_RATE ?? 20);
/** Visits per second of the frontend scenario; each visit is 4 pages and their 3 assets. */
const VISIT_RATES = (process.env.BENCH_VISIT_RATES ?? "5,20,60,120,250").split(",").map(Number);
const REQUESTS_PER_VISIT = 7;

if (spawnSync("wrk", ["--version"]).error) {
  process.stderr.write(
    "bench:load needs wrk for the independent measurement: apt-get install -y wrk (Debian/Ubuntu) or brew install wrk (macOS).\n",
  );
  process.exit(2);
}

const sla = readSla();
const profile = readProfile();
const work = await mkdtemp(path.join(os.tmpdir(), "bench-load-"));
/** The backend's own time for each /health answer, from its request log: what no client adds. */
let serverTimes: number[] = [];
const backendLog = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n")) {
      if (!line.includes('"/health"')) continue;
      const entry = JSON.parse(line) as { url?: string; duration_ms?: number };
      if (entry.url === "/health" && entry.duration_ms !== undefined)
        serverTimes.push(entry.duration_ms);
    }
    done();
  },
});
const stack = await bootStack({
  ports: FREE_PORTS,
  envFile: false,
  logStream: backendLog,
});
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Measured {
  /** How busy the stack's event loop was (it runs in this process), 0..1. */
  stackBusy: number;
  /** The backend's p95 for /health over the same run, as it logged it. */
  serverP95: number | undefined;
  requests: number;
  cpuSeconds: number;
  wallSeconds: number;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  failed: number;
}

/** One scenario at `rate` visits/s, with Artillery's own CPU time read at its exit. */
async function artillery(
  scenario: string,
  endpoint: string,
  rate: number,
  seconds = SECONDS,
): Promise<Measured> {
  const plan = planScenario({ ...profile, ratePerSecond: { [scenario]: rate } }, scenario, {
    durationSeconds: seconds,
    rateFactor: 1,
    alone: true,
  });
  const cpuFile = path.join(work, `cpu-${scenario}-${rate}-${Date.now()}.json`);
  const elu = performance.eventLoopUtilization();
  serverTimes = [];
  const overrides = artilleryOverrides(
    sla,
    plan,
    // The bench loads its own loopback stack; the caps protect real targets.
    { ...profile.limits, maxConcurrentUsers: 2000 },
    LOCAL_PROCESSOR,
  );
  const run = await runArtillery({
    scenario,
    overrides,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ARTILLERY_DISABLE_TELEMETRY: "true",
      NO_COLOR: "1",
      FRONTEND_URL: stack.urls.frontend,
      BACKEND_URL: stack.urls.backend,
      SUPABASE_URL: stack.urls.supabase,
      SUPABASE_ANON_KEY: stack.keys.anonKey,
      BENCH_CPU_FILE: cpuFile,
    },
    outputDir: path.join(work, `${scenario}-${rate}`),
    timeoutMs: (SECONDS + 120) * 1000,
    nodeArgs: ["--require", path.join(HERE, "artillery-cpu.cjs")],
  });
  const cpu = JSON.parse(await readFile(cpuFile, "utf8")) as { user: number; system: number };
  const stats = endpointStats(run.report, endpoint, scenario, plan);
  const requests = Object.entries(run.report?.aggregate.counters ?? {})
    .filter(([name]) => name.startsWith("load.requests."))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    stackBusy: performance.eventLoopUtilization(elu).utilization,
    serverP95: p95Of(serverTimes),
    requests,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: (run.stoppedAt - run.startedAt) / 1000,
    p50: stats.p50Ms,
    p95: stats.p95Ms,
    p99: stats.p99Ms,
    failed: stats.failed,
  };
}

/**
 * wrk paces each connection with a random delay (mean interval) so the
 * connections drift apart instead of firing together, and connections ×
 * 1000/interval = rate. Each connection waits for its answer, so wrk sends
 * less while the server stalls (coordinated omission); at an unsaturated
 * rate that costs little, and the achieved rate is printed.
 */
async function wrk(url: string, rate: number): Promise<Measured & { achievedRps: number }> {
  const connections = Math.max(1, Math.ceil(rate / 5));
  const interval = Math.round((1000 * connections) / rate);
  const script = path.join(work, "paced.lua");
  await writeFile(
    script,
    `function delay() return math.random(0, ${2 * interval}) end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
`,
  );
  const started = Date.now();
  const elu = performance.eventLoopUtilization();
  serverTimes = [];
  const wrk = await runProcess("wrk", [
    "-t1",
    `-c${connections}`,
    `-d${SECONDS}s`,
    "--timeout",
    "10s",
    "-s",
    script,
    url,
  ]);
  process.stderr.write(wrk.stderr);
  const output = wrk.stdout;
  const match = /BENCH (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(output);
  if (!match) throw new Error(`wrk printed no numbers:\n${output}`);
  const [requests, failed, p50, p95, p99] = match.slice(1).map(Number) as number[];
  return {
    stackBusy: performance.eventLoopUtilization(elu).utilization,
    serverP95: p95Of(serverTimes),
    requests: requests ?? 0,
    failed: failed ?? 0,
    cpuSeconds: Number.NaN,
    wallSeconds: (Date.now() - started) / 1000,
    p50: (p50 ?? 0) / 1000,
    p95: (p95 ?? 0) / 1000,
    p99: (p99 ?? 0) / 1000,
    achievedRps: (requests ?? 0) / SECONDS,
  };
}

const ms = (value: number | undefined) => (value === undefined ? "-" : `${value.toFixed(1)} ms`);
const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)} ms`;
const busy = (m: Measured) => `${(m.stackBusy * 100).toFixed(0)}%`;

function p95Of(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
}

const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");

try {
  say(`Load generator benchmark on ${os.cpus().length} cores, ${SECONDS} s per run`);
  say(`Load average before: ${load()} (other work on the machine inflates every number below)\n`);

  say(`1. Artillery's own CPU time, frontend scenario (${REQUESTS_PER_VISIT} requests a visit)`);
  const start = await artillery("frontend", "frontend.page", 1, 1);
  say(`   starting and stopping (a one-visit run): ${start.cpuSeconds.toFixed(2)} CPU s`);
  let comfortable = 0;
  for (const rate of VISIT_RATES) {
    const m = await artillery("frontend", "frontend.page", rate);
    const offered = rate * REQUESTS_PER_VISIT;
    const sent = m.requests / SECONDS;
    const phaseCpu = Math.max(0, m.cpuSeconds - start.cpuSeconds);
    const cores = phaseCpu / SECONDS;
    if (cores <= 1 && sent >= offered * 0.99) comfortable = Math.max(comfortable, offered);
    say(
      `   ${String(offered).padStart(5)}/s offered, ${sent.toFixed(0).padStart(5)}/s sent: ${cores.toFixed(2)} cores busy, ${((phaseCpu / m.requests) * 1000).toFixed(2)} CPU s per 1,000 requests, p95 ${ms(m.p95)}, ${m.failed} failed`,
    );
  }
  say(
    `   => the highest rate sent in full with Artillery within one core: ${comfortable} requests/s (the other core is left to the machine)\n`,
  );

  say(`2. /health at ${COMPARE_RATE} requests/s for ${SECONDS} s: Artillery's p95 next to wrk's`);
  // The stack's first /health load warms its code paths; neither tool should pay for that.
  await artillery("health", "backend.health", COMPARE_RATE);
  for (let round = 1; round <= 2; round++) {
    const fromArtillery = await artillery("health", "backend.health", COMPARE_RATE);
    const fromWrk = await wrk(`${stack.urls.backend}/health`, COMPARE_RATE);
    const over = (m: Measured) => signed((m.p95 ?? 0) - (m.serverP95 ?? 0));
    say(
      `   round ${round}: Artillery ${fromArtillery.requests} requests, p50 ${ms(fromArtillery.p50)}, p95 ${ms(fromArtillery.p95)}, p99 ${ms(fromArtillery.p99)} (to first byte); server's own p95 ${ms(fromArtillery.serverP95)}, stack ${busy(fromArtillery)} busy`,
    );
    say(
      `            wrk       ${fromWrk.requests} requests, p50 ${ms(fromWrk.p50)}, p95 ${ms(fromWrk.p95)}, p99 ${ms(fromWrk.p99)} (to last byte, ${fromWrk.achievedRps.toFixed(1)}/s); server's own p95 ${ms(fromWrk.serverP95)}, stack ${busy(fromWrk)} busy`,
    );
    say(
      `            p95 over the server's own: Artillery ${over(fromArtillery)}, wrk ${over(fromWrk)}; Artillery − wrk ${signed((fromArtillery.p95 ?? 0) - (fromWrk.p95 ?? 0))}`,
    );
  }
  say(`   The /health SLA p95 is ${sla.endpoints["backend.health"]?.p95Ms} ms.`);
  say(`\nLoad average after: ${load()}`);
} finally {
  await stack.stop();
  await rm(work, { recursive: true, force: true });
}
