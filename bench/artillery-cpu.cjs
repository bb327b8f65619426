// Preloaded into Artillery by bench/load.ts: writes the process's own CPU
// time (every thread) when it exits, so the bench can price each request.
const { isMainThread } = require("node:worker_threads");
const { writeFileSync } = require("node:fs");

if (isMainThread && process.env.BENCH_CPU_FILE) {
  process.on("exit", () => {
    writeFileSync(process.env.BENCH_CPU_FILE, JSON.stringify(process.cpuUsage()));
  });
}
