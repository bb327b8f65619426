import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseCommandLine } from "../scripts/command-line.ts";
import { describeFindings, scanForSecrets } from "../secrets/scan.ts";
import { configuredSecrets } from "../secrets/variables.ts";
import { loadDotenv } from "../target/config.ts";
import { generateReport } from "./generate.ts";
import { historyFile, ROOT, reportDir } from "./paths.ts";
import { serveDirectory } from "./serve.ts";

// `npm run report`: generate the Allure report from allure-results (offline,
// Allure 3's npm package), then scan it for the configured secrets; a report
// holding one is deleted so no CI step can publish it.
// `npm run report:open [-- --port N]`: serve the report on 127.0.0.1.

const USAGE = `Usage:
  npm run report                      generate allure-report/ from allure-results/ and scan it for secrets
  npm run report:open [-- --port N]   serve allure-report/ on 127.0.0.1 (port: ALLURE_PORT, else a free one)`;

const [command = "generate", ...args] = process.argv.slice(2);
const relative = (file: string) => path.relative(process.cwd(), file) || ".";
loadDotenv(ROOT);

if (command === "generate") {
  parseCommandLine("npm run report", USAGE, { help: { type: "boolean" } }, args);
  const generated = await generateReport();
  if (generated.exitCode !== 0) {
    const why =
      generated.resultDirs.length === 0 ? "" : `Allure failed (exit ${generated.exitCode})\n`;
    process.stderr.write(`npm run report: ${why}${generated.output}\n`);
    process.exit(1);
  }
  const secrets = configuredSecrets();
  const scan = scanForSecrets(
    [
      generated.reportDir,
      ...generated.resultDirs,
      historyFile(),
      path.join(ROOT, "test-results"),
      path.join(ROOT, "playwright-report"),
    ],
    secrets,
  );
  if (scan.findings.length > 0) {
    rmSync(generated.reportDir, { recursive: true, force: true });
    process.stderr.write(
      `${describeFindings(scan, process.cwd())}\nThe report was deleted: it must not be published.\n`,
    );
    process.exit(1);
  }
  const summary = JSON.parse(
    readFileSync(path.join(generated.reportDir, "summary.json"), "utf8"),
  ) as {
    stats: Record<string, number>;
  };
  const runs = readFileSync(historyFile(), "utf8").split("\n").filter(Boolean).length;
  const stats = Object.entries(summary.stats)
    .map(([key, value]) => `${value} ${key}`)
    .join(", ");
  process.stdout.write(
    [
      `Allure report: ${relative(path.join(generated.reportDir, "index.html"))} (${stats})`,
      `  from: ${generated.resultDirs.map(relative).join(", ")}`,
      `  history: ${runs} run(s) in ${relative(historyFile())}`,
      secrets.length > 0
        ? `  ${describeFindings(scan, process.cwd())}, ${secrets.length} configured secrets`
        : "  secret scan: no secrets configured in this shell (a reference-stack run scanned its own artifacts)",
      "  open it: npm run report:open",
      "",
    ].join("\n"),
  );
} else if (command === "open") {
  const flags = parseCommandLine(
    "npm run report:open",
    USAGE,
    { help: { type: "boolean" }, port: { type: "string" } },
    args,
  );
  const portArg = (flags.port ?? process.env.ALLURE_PORT)?.trim() || "0";
  const port = Number(portArg);
  if (!/^\d+$/.test(portArg) || port > 65_535) {
    const from = flags.port === undefined ? "ALLURE_PORT" : "--port";
    process.stderr.write(`npm run report:open: ${from} must be a port number, got ${portArg}\n`);
    process.exit(2);
  }
  const served = await serveDirectory(reportDir(), port);
  process.stdout.write(`Allure report on ${served.url} (Ctrl-C to stop)\n`);
  const stop = () => void served.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} else {
  process.stderr.write(`unknown command ${command}: use generate or open\n\n${USAGE}\n`);
  process.exit(2);
}
