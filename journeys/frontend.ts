import type { AppProfile } from "../contract/profile.ts";
import type { Problem } from "./request.ts";

/** Frontend (Vercel) journeys: the contract's pages and the files they link to. */

/** Every page the profile names, each once: home, the forms, the signed-in page. */
export function pagePaths(app: Pick<AppProfile, "home" | "forms" | "signedIn">): string[] {
  return [
    ...new Set([app.home.path, app.forms.signUp.path, app.forms.login.path, app.signedIn.path]),
  ];
}

export interface LinkedAsset {
  kind: "script" | "style" | "icon";
  /** Path on the frontend's origin. */
  path: string;
}

const LINKS: Array<{ kind: LinkedAsset["kind"]; pattern: RegExp }> = [
  { kind: "script", pattern: /<script\b[^>]*\bsrc="([^"]+)"/g },
  { kind: "style", pattern: /<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g },
  { kind: "icon", pattern: /<link\b[^>]*\brel="(?:shortcut )?icon"[^>]*\bhref="([^"]+)"/g },
];

/**
 * Scripts, stylesheets and icons a page links to on its own origin (what a
 * browser fetches from the deployment itself), each once, in page order.
 */
export function linkedAssets(html: string, pageUrl: string): LinkedAsset[] {
  const origin = new URL(pageUrl).origin;
  const found = new Map<string, LinkedAsset>();
  for (const { kind, pattern } of LINKS) {
    for (const match of html.matchAll(pattern)) {
      const url = new URL(match[1] ?? "", pageUrl);
      if (url.origin !== origin) continue;
      const path = `${url.pathname}${url.search}`;
      if (!found.has(path)) found.set(path, { kind, path });
    }
  }
  return [...found.values()];
}

export function pageProblem(status: number, contentType: string | undefined): Problem {
  if (status >= 400) return `page answered ${status}`;
  if (!contentType?.includes("text/html")) return `page is ${contentType ?? "untyped"}, not HTML`;
  return undefined;
}

export function assetProblem(status: number, size: number): Problem {
  if (status >= 400) return `asset answered ${status}`;
  if (size === 0) return "asset is empty";
  return undefined;
}
