import { renderSms } from "../messages/sms.ts";
import type { Notification } from "../types.ts";
import { outcomeOf, request, warmHttp } from "./http.ts";
import type { RetryClass, SendOutcome, Transport } from "./transport.ts";

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  to: string[];
  apiUrl: string;
}

function describe(body: string): string {
  try {
    const json = JSON.parse(body) as { code?: number; message?: string; sid?: string };
    if (json.sid) return json.sid;
    return [json.code && `code ${json.code}`, json.message].filter(Boolean).join(": ");
  } catch {
    return body.trim().slice(0, 200);
  }
}

const RANK: Record<RetryClass, number> = { no: 0, once: 1, yes: 2 };

/**
 * Twilio Messages API, one POST per recipient. Creating a message is not
 * idempotent, so recipients that already accepted are remembered across the
 * attempts of a run and never texted twice by a retry.
 */
export function twilioTransport(settings: TwilioSettings): Transport {
  const base = settings.apiUrl.replace(/\/+$/, "");
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString("base64")}`;
  const accepted = new Map<string, Set<string>>();

  async function sendOne(to: string, body: string, signal: AbortSignal): Promise<SendOutcome> {
    const form = new URLSearchParams({ To: to, Body: body });
    if (settings.messagingServiceSid) form.set("MessagingServiceSid", settings.messagingServiceSid);
    else if (settings.from) form.set("From", settings.from);
    const reply = await request(
      url,
      {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      },
      signal,
    );
    return outcomeOf(reply, { service: "Twilio", idempotent: false, describe });
  }

  return {
    channel: "sms",
    warm: warmHttp,
    async send(notification: Notification, signal: AbortSignal) {
      const id = `${notification.key}@${notification.decidedAt}`;
      const done = accepted.get(id) ?? new Set<string>();
      accepted.set(id, done);
      const body = renderSms(notification);
      const failures: Array<Extract<SendOutcome, { ok: false }>> = [];
      for (const to of settings.to.filter((number) => !done.has(number))) {
        const outcome = await sendOne(to, body, signal);
        if (outcome.ok) done.add(to);
        else failures.push({ ...outcome, reason: `${outcome.reason} (to ${to.slice(0, -4)}****)` });
      }
      const worst = failures.sort((a, b) => RANK[b.retry] - RANK[a.retry])[0];
      if (!worst) return { ok: true, detail: `accepted for ${done.size} recipient(s)` };
      // A number Twilio rejects for good must not hold back everyone else's alert.
      if (worst.retry === "no" && done.size > 0) {
        return {
          ok: true,
          detail: `accepted for ${done.size}; rejected: ${failures.map((f) => f.reason).join("; ")}`,
        };
      }
      return worst;
    },
  };
}
