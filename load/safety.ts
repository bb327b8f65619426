import { isIP } from "node:net";

/**
 * Load is only ever generated against this machine unless someone says
 * otherwise: a target on another host needs LOAD_ALLOW_REMOTE=1. Names are
 * judged as written, never resolved, so the refusal happens before any
 * network traffic, DNS included.
 */

export class RemoteTargetRefused extends Error {
  constructor(readonly remote: Array<{ variable: string; host: string }>) {
    super(
      `Refusing to generate load against ${remote
        .map(({ variable, host }) => `${variable} (${host})`)
        .join(", ")}: not loopback. Set LOAD_ALLOW_REMOTE=1 to load a remote deployment, ` +
        "and only do so against one you own and may load.",
    );
    this.name = "RemoteTargetRefused";
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Throws naming every variable whose URL is not on loopback, unless remote load is allowed. */
export function assertLoadTargetsAllowed(
  targets: Record<string, string>,
  allowRemote: boolean,
): void {
  if (allowRemote) return;
  const remote = Object.entries(targets)
    .map(([variable, url]) => ({ variable, host: new URL(url).hostname }))
    .filter(({ host }) => !isLoopbackHost(host));
  if (remote.length > 0) throw new RemoteTargetRefused(remote);
}
