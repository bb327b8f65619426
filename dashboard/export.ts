// The dashboard as static files (a CI artifact, or a status page published
// as a static site): each page's shell with relative asset links, the assets,
// and every answer the pages would ask for as data/<name>.json and .js
// (dashboard/pages/ASSETS.md has the layout).
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { assetList, PAGES_DIR, type PageName, readPage } from "./assets.ts";
import { checkPage } from "./check.ts";
import { incidents } from "./incidents.ts";
import { overview, publicStatus } from "./overview.ts";
import { slaCsv, slaFigures } from "./sla.ts";
import type { DashboardSource } from "./source.ts";
import { timings } from "./timings.ts";

const SHELLS: Array<[PageName, string]> = [
  ["overview", "index.html"],
  ["check", "check.html"],
  ["timings", "timings.html"],
  ["incidents", "incidents.html"],
  ["sla", "sla.html"],
  ["status", "status.html"],
];

/** A shell made to open from disk: relative asset links, marked static. */
export function staticShell(html: string): string {
  return html.replaceAll('"/assets/', '"assets/').replace(/<html(\s|>)/, "<html data-static$1");
}

/** `dashboardStatic(name, answer)`: one call, whatever the answer holds. */
export function dataScript(name: string, answer: unknown): string {
  // JSON.stringify leaves "</script>" and U+2028 as they are; neither may end or break a script.
  const json = JSON.stringify(answer)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return `dashboardStatic(${JSON.stringify(name)}, ${json});\n`;
}

export interface ExportSummary {
  dir: string;
  pages: number;
  checks: number;
  databaseOk: boolean;
}

export async function exportDashboard(
  source: DashboardSource,
  outDir: string,
  options: { days?: number; pagesDir?: string } = {},
): Promise<ExportSummary> {
  const days = options.days ?? 7;
  const pagesDir = options.pagesDir ?? PAGES_DIR;
  await mkdir(path.join(outDir, "assets"), { recursive: true });
  await mkdir(path.join(outDir, "data", "checks"), { recursive: true });
  let pages = 0;
  for (const [name, file] of SHELLS) {
    const html = await readPage(name, pagesDir);
    if (html === undefined) continue;
    await writeFile(path.join(outDir, file), staticShell(html));
    pages += 1;
  }
  for (const [name, file] of assetList(pagesDir))
    await copyFile(file, path.join(outDir, "assets", name)).catch(() => {});

  const write = async (name: string, answer: unknown) => {
    await writeFile(path.join(outDir, "data", `${name}.json`), `${JSON.stringify(answer)}\n`);
    await writeFile(path.join(outDir, "data", `${name}.js`), dataScript(name, answer));
  };
  const front = await overview(source);
  await write("overview", front);
  await write("status", await publicStatus(source));
  let checks = 0;
  if (front.database.ok) {
    await write("timings", await timings(source, days));
    await write("incidents", await incidents(source, 30));
    const sla = await slaFigures(source, {});
    await write("sla", sla);
    await writeFile(path.join(outDir, "data", "sla.csv"), slaCsv(sla));
    const ids = new Set(front.tiers.flatMap((tier) => tier.checks.map((check) => check.checkId)));
    for (const id of ids) {
      await write(`checks/${encodeURIComponent(id)}`, await checkPage(source, id, days));
      checks += 1;
    }
  }
  return { dir: outDir, pages, checks, databaseOk: front.database.ok };
}
