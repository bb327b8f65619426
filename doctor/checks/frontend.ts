import { type Row, rowsOf } from "../check.ts";
import { type Answer, type Probe, probe } from "../http.ts";

// The frontend (Vercel): does the home page answer, and is it behind Vercel's
// Deployment Protection, which answers every unauthenticated request with 401?

const BYPASS_HEADER = "x-vercel-protection-bypass";

export interface FrontendSeen {
  plain: Probe;
  /** The same request with VERCEL_PROTECTION_BYPASS, when it is set. */
  bypassed: Probe | undefined;
}

export async function observeFrontend(
  frontendUrl: string,
  bypass: string | undefined,
): Promise<FrontendSeen> {
  const url = `${frontendUrl}/`;
  const [plain, bypassed] = await Promise.all([
    probe(url),
    bypass ? probe(url, { headers: { [BYPASS_HEADER]: bypass } }) : undefined,
  ]);
  return { plain, bypassed };
}

export function judgeFrontend({ plain, bypassed }: FrontendSeen): Row {
  const row = rowsOf("frontend");
  if ("error" in plain) {
    return row(
      "fail",
      `GET / got no answer: ${plain.error}`,
      "no page opens, so every browser journey fails (FRONTEND_URL wrong, or the deployment is gone)",
    );
  }
  const answer = plain.answer;
  if (isVercelProtected(answer)) {
    if (!bypassed) {
      return row(
        "fail",
        `GET / answered ${answer.status}: Vercel Deployment Protection`,
        "set VERCEL_PROTECTION_BYPASS (Deployment Protection → Protection Bypass for Automation); without it no journey sees the app",
      );
    }
    if ("error" in bypassed || isVercelProtected(bypassed.answer)) {
      return row(
        "fail",
        `GET / answered ${answer.status}: Vercel Deployment Protection, also with VERCEL_PROTECTION_BYPASS`,
        "the bypass secret is refused: copy it again from this project's Deployment Protection settings",
      );
    }
    if (bypassed.answer.status >= 400) {
      return row(
        "fail",
        `behind Vercel Deployment Protection; with the bypass GET / answered ${bypassed.answer.status}`,
        "the bypass works but the home page fails, so the page journeys fail",
      );
    }
    return row(
      "ok",
      `behind Vercel Deployment Protection (${answer.status}); with the bypass ${bypassed.answer.status} in ${bypassed.answer.ms} ms`,
      "the bypass works; the journeys send it with every frontend request",
    );
  }
  if (answer.status >= 400) {
    return row(
      "fail",
      `GET / answered ${answer.status} in ${answer.ms} ms`,
      "the home page fails, so the page journeys fail",
    );
  }
  const notes = [
    servedByVercel(answer) ? "served by Vercel" : undefined,
    bypassed ? "not protected: VERCEL_PROTECTION_BYPASS is not needed" : undefined,
  ].filter(Boolean);
  return row(
    "ok",
    [`GET / answered ${answer.status} in ${answer.ms} ms`, ...notes].join("; "),
    "pages open for the browser journeys",
  );
}

function servedByVercel(answer: Answer): boolean {
  return (
    answer.headers.server?.toLowerCase() === "vercel" ||
    Object.keys(answer.headers).some((name) => name.startsWith("x-vercel-"))
  );
}

/** A 401/403 from Vercel itself, or a redirect that ended on Vercel's sign-in (SSO) page. */
export function isVercelProtected(answer: Answer): boolean {
  const host = URL.canParse(answer.url) ? new URL(answer.url).hostname : "";
  if (host === "vercel.com" && /^\/(sso|login)/.test(new URL(answer.url).pathname)) return true;
  if (answer.status !== 401 && answer.status !== 403) return false;
  return servedByVercel(answer) || /vercel\.com\/sso|Vercel Authentication/i.test(answer.body);
}
