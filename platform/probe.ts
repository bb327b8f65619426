import { connect, type PeerCertificate } from "node:tls";
import { isTimeout, networkCause } from "./http.ts";
import type { CertificateProbe, FirstRequestProbe } from "./types.ts";

// What the target itself shows before a run's tests: how long the backend's
// first request takes (a Render free instance spun down answers once it has
// woken, tens of seconds later) and how long the certificates it serves have
// left. Neither throws: a probe that fails records why.

export interface FirstRequestOptions {
  /** RENDER_COLD_START_BUDGET_MS, carried into the result for the verdict. */
  budgetMs: number;
  /** Per request; long, because a wake-up is what is measured (Render's take up to a minute). */
  timeoutMs?: number;
  /** A first request this slow is re-checked at once. */
  slowMs?: number;
}

interface Attempt {
  ms: number;
  timedOut?: boolean;
  status?: number;
  error?: string;
}

/**
 * GETs the URL and, when that was slow or failed the way a waking instance
 * fails (502, 503, no connection), again at once. A slow first and a re-check
 * under a third of it is a cold start: the difference is the spin-up.
 */
export async function probeFirstRequest(
  url: string,
  { budgetMs, timeoutMs = 90_000, slowMs = 1500 }: FirstRequestOptions,
): Promise<FirstRequestProbe> {
  const first = await attempt(url, timeoutMs);
  const probe: FirstRequestProbe = { url: withoutCredentials(url), firstMs: first.ms, budgetMs };
  if (first.status !== undefined) probe.firstStatus = first.status;
  if (first.error !== undefined) probe.firstError = first.error;

  if (first.ms < slowMs && !wakingFailure(first)) return probe;
  // No answer at all within the bound: a second wait as long would only hold the run's tests back.
  if (first.timedOut) return probe;
  const second = await attempt(url, timeoutMs);
  probe.secondMs = second.ms;
  if (second.status !== undefined) probe.secondStatus = second.status;
  // A fast failure proves nothing about the first's time: only an answer that serves does.
  const served = second.status !== undefined && !wakingFailure(second);
  if (first.ms >= slowMs && served && second.ms * 3 < first.ms) {
    probe.coldStartMs = first.ms - second.ms;
  }
  return probe;
}

/** Render's proxy answers 502/503 while an instance is not up; a refused or reset connection is the same story. */
function wakingFailure(result: Attempt): boolean {
  return result.status === 502 || result.status === 503 || result.error !== undefined;
}

async function attempt(url: string, timeoutMs: number): Promise<Attempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const { target, headers } = request(url);
    const response = await fetch(target, {
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers,
    });
    // Timed to the headers: the wake-up delays them; a large body is not the instance's start.
    const ms = elapsed();
    await response.body?.cancel().catch(() => undefined);
    return { ms, status: response.status };
  } catch (error) {
    const ms = elapsed();
    if (isTimeout(error)) return { ms, timedOut: true, error: `no answer within ${timeoutMs} ms` };
    return { ms, error: `could not be reached (${networkCause(error)})` };
  }
}

/** fetch refuses a URL with credentials (and quotes it): they go as Basic auth, like curl sends them. */
function request(url: string): { target: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { "cache-control": "no-cache" };
  if (!URL.canParse(url)) return { target: url, headers };
  const parsed = new URL(url);
  if (parsed.username !== "" || parsed.password !== "") {
    const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  }
  return { target: withoutCredentials(url), headers };
}

function withoutCredentials(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

/** An origin whose certificate could not be read, and why. */
export interface CertificateFailure {
  url: string;
  error: string;
}

export type CertificateCheck = CertificateProbe | CertificateFailure;

export interface CertificateOptions {
  /** Epoch ms the days are counted from. */
  now?: number;
  /** Per origin, to the end of the TLS handshake. */
  timeoutMs?: number;
  /** One line per origin that could not be read. */
  log?: (line: string) => void;
}

const DAY_MS = 86_400_000;

/**
 * The certificate each distinct https origin serves: when it ends and the
 * days left. Read without verifying the chain, so an untrusted or expired
 * certificate still tells its dates. http origins have none and are skipped.
 */
export async function readCertificates(
  urls: readonly string[],
  { now = Date.now(), timeoutMs = 10_000 }: CertificateOptions = {},
): Promise<CertificateCheck[]> {
  const origins = [
    ...new Set(
      urls.flatMap((url) => {
        if (!URL.canParse(url)) return [];
        const parsed = new URL(url);
        return parsed.protocol === "https:" ? [parsed.origin] : [];
      }),
    ),
  ];
  return Promise.all(
    origins.map(async (origin): Promise<CertificateCheck> => {
      try {
        const validTo = await certificateEnd(new URL(origin), timeoutMs);
        return { url: origin, validTo, daysLeft: Math.floor((validTo - now) / DAY_MS) };
      } catch (error) {
        return { url: origin, error: (error as Error).message };
      }
    }),
  );
}

/**
 * The certificates that could be read, for the run's snapshot (whose type has
 * no room for a failure yet); each one that could not is logged instead.
 */
export async function probeCertificates(
  urls: readonly string[],
  options: CertificateOptions = {},
): Promise<CertificateProbe[]> {
  const checks = await readCertificates(urls, options);
  const read: CertificateProbe[] = [];
  for (const check of checks) {
    if ("error" in check) options.log?.(`certificate of ${check.url}: ${check.error}`);
    else read.push(check);
  }
  return read;
}

function certificateEnd(origin: URL, timeoutMs: number): Promise<number> {
  const host = origin.hostname.replace(/^\[|\]$/g, "");
  const port = Number(origin.port || 443);
  // SNI takes names only (RFC 6066): an address gets the server's default certificate.
  const isAddress = /^[\d.]+$/.test(host) || host.includes(":");
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(isAddress ? {} : { servername: host }),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(message));
    };
    socket.once("secureConnect", () => {
      const certificate: PeerCertificate = socket.getPeerCertificate();
      socket.end();
      const validTo = Date.parse(certificate.valid_to ?? "");
      if (Number.isNaN(validTo)) reject(new Error("the server sent no readable certificate"));
      else resolve(validTo);
    });
    socket.once("timeout", () => fail(`no TLS handshake within ${timeoutMs} ms`));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      fail(`TLS connection failed (${error.code ?? error.message})`),
    );
  });
}
