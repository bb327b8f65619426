import { DEFAULT_PROFILE } from "../../contract/load.ts";
import type { AppProfile, FormProfile, Locator } from "../../contract/profile.ts";
import { type Row, rowsOf } from "../check.ts";
import { probe } from "../http.ts";
import { type FoundForm, type FoundPage, readPage } from "./forms.ts";

// The frontend's pages where sign-up and login forms may be: the profile's
// own paths, the home page's links that look like them, and common paths.
// What their HTML shows is compared with the profile's forms and is the
// material of the proposed profile.

export const COMMON_FORM_PATHS = [
  "/login",
  "/signin",
  "/sign-in",
  "/auth/login",
  "/register",
  "/signup",
  "/sign-up",
  "/auth/sign-up",
];

const AUTH_LINK = /sign[\s_-]?(in|up)|log[\s_-]?in|register|create (an )?account/i;

export interface SeenPage {
  path: string;
  /**
   * Where the answer came from after redirects: its path on the frontend
   * (equal pages are read once), or the whole URL when a redirect left the
   * frontend's origin (Next.js behind a proxy may send `localhost`), which is
   * no page to propose.
   */
  landed: string;
  status: number | undefined;
  /** Why there was no answer. */
  error?: string;
  page: FoundPage | undefined;
}

export async function observePages(
  frontendUrl: string,
  headers: Record<string, string>,
  profile: AppProfile | undefined,
): Promise<SeenPage[]> {
  const origin = new URL(frontendUrl).origin;
  const visit = async (path: string): Promise<SeenPage> => {
    const seen = await probe(`${frontendUrl}${path}`, { headers });
    if ("error" in seen)
      return { path, landed: path, status: undefined, error: seen.error, page: undefined };
    const { status, body, url } = seen.answer;
    const final = URL.canParse(url) ? new URL(url) : undefined;
    const landed = !final ? path : final.origin === origin ? final.pathname : final.href;
    const html = /<(form|input|a)\b/i.test(body);
    return { path, landed, status, page: status < 400 && html ? readPage(body) : undefined };
  };
  const home = await visit(profile?.home.path ?? "/");
  const linked = (home.page?.links ?? []).flatMap(({ href, text }) => {
    if (!URL.canParse(href, frontendUrl)) return [];
    const url = new URL(href, frontendUrl);
    return url.origin === origin && AUTH_LINK.test(`${text} ${url.pathname}`) ? [url.pathname] : [];
  });
  const paths = [
    ...(profile ? [profile.forms.signUp.path, profile.forms.login.path] : []),
    ...linked,
    ...COMMON_FORM_PATHS,
  ].filter((path, index, all) => path !== home.path && all.indexOf(path) === index);
  return [home, ...(await Promise.all(paths.map(visit)))];
}

/**
 * Forms with a password field, each final page once (by the path it landed
 * on), in the order the pages were listed. Pages a redirect took to another
 * origin are not the frontend's.
 */
export function passwordForms(
  pages: readonly SeenPage[],
): Array<{ path: string; form: FoundForm }> {
  const read = new Set<string>();
  return pages.flatMap((seen) => {
    if (!seen.page || !seen.landed.startsWith("/") || read.has(seen.landed)) return [];
    read.add(seen.landed);
    return seen.page.forms
      .filter((form) => form.fields.some((field) => field.type === "password"))
      .map((form) => ({ path: seen.landed, form }));
  });
}

/**
 * Where the profile's forms disagree with the pages' HTML: a page that fails,
 * or a label, placeholder or button the journeys look for that is not there
 * (matched exactly, as fixtures/app-ui.ts locates them). A page whose
 * HTML holds no form is rendered in the browser and not judged.
 */
export function profileMismatches(profile: AppProfile, pages: readonly SeenPage[]): string[] {
  const forms: Array<[string, FormProfile]> = [
    ["forms.signUp", profile.forms.signUp],
    ["forms.login", profile.forms.login],
  ];
  return forms.flatMap(([name, form]) => {
    const seen = pages.find((page) => page.path === form.path);
    if (!seen) return [];
    if (seen.status === undefined || seen.status >= 400)
      return [`${name}: ${form.path} answered ${seen.status ?? seen.error}`];
    if (seen.landed !== seen.path)
      return [`${name}: ${form.path} redirects to ${seen.landed} (name the final page)`];
    const found = seen.page?.forms ?? [];
    if (found.length === 0) return [];
    const locators = [...form.fields.map((field) => field.locator), form.submit];
    return locators
      .filter((locator) => !found.some((candidate) => shows(candidate, locator)))
      .map((locator) => `${name}: ${JSON.stringify(locator)} is not in the form on ${form.path}`);
  });
}

function shows(form: FoundForm, locator: Locator): boolean {
  const has = (text: string | undefined, wanted: string) =>
    text === wanted.replace(/\s+/g, " ").trim();
  if ("label" in locator) return form.fields.some((field) => has(field.label, locator.label));
  if ("placeholder" in locator)
    return form.fields.some((field) => has(field.placeholder, locator.placeholder));
  if ("role" in locator && locator.role === "button")
    return form.buttons.some((text) => has(text, locator.name));
  return true; // test ids, texts and other roles are not read from forms
}

/** Candidates that redirect, grouped by where they land: `/register, /signup → /auth/login`. */
export function redirects(pages: readonly SeenPage[]): string[] {
  const byLanding = new Map<string, string[]>();
  for (const seen of pages) {
    if (seen.landed === seen.path) continue;
    byLanding.set(seen.landed, [...(byLanding.get(seen.landed) ?? []), seen.path]);
  }
  return [...byLanding].map(([landed, paths]) => `${paths.join(", ")} → ${landed}`);
}

/**
 * The app-profile row. `profile` is undefined when SYNTHETIC_APP is unset:
 * the default profile describes the reference app, so the target is not
 * judged against its forms.
 */
export function judgeProfile(
  profile: AppProfile | { problem: string } | undefined,
  pages: readonly SeenPage[],
): Row {
  const row = rowsOf("app profile");
  const found = passwordForms(pages);
  const moved = redirects(pages);
  const summary = [
    found.length > 0
      ? `password forms on ${[...new Set(found.map((item) => item.path))].join(", ")}`
      : "no password form in the pages' HTML (rendered in the browser?)",
    ...(moved.length > 0 ? [`redirects: ${moved.join("; ")}`] : []),
  ].join("; ");
  if (profile === undefined) {
    return row(
      "warn",
      `SYNTHETIC_APP is not set: no profile of yours yet; the default ${DEFAULT_PROFILE} describes the reference app; ${summary}`,
      "write yours from the proposal below (--write PATH) and point SYNTHETIC_APP at it",
    );
  }
  if ("problem" in profile) {
    return row(
      "fail",
      `${profile.problem}; ${summary}`,
      "the run stops with exit 2 before any test; the proposal below is a start",
    );
  }
  const mismatches = profileMismatches(profile, pages);
  if (mismatches.length > 0) {
    return row(
      "warn",
      `${mismatches.join("; ")}; ${summary}`,
      "form journeys will not find what the profile names: compare with the proposal below",
    );
  }
  return row(
    "ok",
    `${profile.name}: ${summary}`,
    found.length > 0
      ? "the profile's forms match the pages' HTML"
      : "the forms could not be compared with the pages",
  );
}
