// Where a deployment is reached: the FRONTEND_URL a run against it gets.
// (What `--deployment` may name, an id or a URL, is platform/'s deploymentKey.)

/** Hosts that are this machine: only these are reached over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * The deployment's own URL as FRONTEND_URL: `https://<host>` (`http://` for a
 * loopback host), with the path of the configured FRONTEND_URL, so an app
 * served under a base path is tested there.
 */
export function deploymentFrontendUrl(host: string, configured?: string): string {
  const bare = host
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/\/.*$/, "");
  const url = new URL(`https://${bare}`);
  if (isLoopbackHost(url.hostname)) url.protocol = "http:";
  const path = configured && URL.canParse(configured) ? new URL(configured).pathname : "/";
  url.pathname = path;
  return url.toString().replace(/\/+$/, "");
}
