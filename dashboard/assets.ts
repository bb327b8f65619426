// The files the dashboard serves: its HTML shells by route, and a fixed
// allow-list of assets (the pages' own .js and .css, uPlot's two files).
// A request names an entry of the list, never a path.
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PAGES_DIR = fileURLToPath(new URL("./pages/", import.meta.url));
const ROOT = path.resolve(PAGES_DIR, "..", "..");
const UPLOT_DIR = path.join(ROOT, "node_modules", "uplot", "dist");
// Served under lower-case names; the package spells them uPlot.*.
const UPLOT_FILES = { "uplot.iife.min.js": "uPlot.iife.min.js", "uplot.min.css": "uPlot.min.css" };

export const PAGES = {
  overview: "overview.html",
  check: "check.html",
  timings: "timings.html",
  incidents: "incidents.html",
  sla: "sla.html",
  status: "status.html",
  login: "login.html",
} as const;
export type PageName = keyof typeof PAGES;

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

export const contentTypeOf = (file: string) =>
  TYPES[path.extname(file)] ?? "application/octet-stream";

/** Asset name → file on disk, listed once. */
export function assetList(pagesDir = PAGES_DIR): Map<string, string> {
  const list = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(pagesDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && /^[\w.-]+\.(js|css)$/.test(entry.name))
      .map((entry) => entry.name);
  } catch {
    // No pages yet: only uPlot is served.
  }
  for (const name of names) list.set(name, path.join(pagesDir, name));
  for (const [name, file] of Object.entries(UPLOT_FILES))
    list.set(name, path.join(UPLOT_DIR, file));
  return list;
}

export async function readPage(page: PageName, pagesDir = PAGES_DIR): Promise<string | undefined> {
  return readFile(path.join(pagesDir, PAGES[page]), "utf8").catch(() => undefined);
}
