// Reading Auth's mail from the stack's mail sink, as the email tests do.
import assert from "node:assert/strict";
import type { StoredMessage } from "../../src/mailsink/inbox.ts";

/** What the sink holds (for `to` only, if given), newest first. */
export async function mailsTo(apiUrl: string, to?: string): Promise<StoredMessage[]> {
  const query = to === undefined ? "" : `?to=${encodeURIComponent(to)}`;
  const response = await fetch(`${apiUrl}/messages${query}`);
  assert.equal(response.status, 200, "the mail sink's API answers");
  return ((await response.json()) as { messages: StoredMessage[] }).messages;
}

/** The one mail `to` has; fails when there is none or more. */
export async function onlyMailTo(apiUrl: string, to: string): Promise<StoredMessage> {
  const messages = await mailsTo(apiUrl, to);
  assert.equal(messages.length, 1, `exactly one mail to ${to}, got ${messages.length}`);
  return messages[0] as StoredMessage;
}

/** The link in a mail's HTML part. */
export function linkIn(message: StoredMessage): URL {
  const link = message.html?.match(/href="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
  assert.ok(link, "the mail carries a link");
  return new URL(link);
}

/** The six-digit code in a mail's text part. */
export function codeIn(message: StoredMessage): string {
  const code = message.text?.match(/code: (\d{6})/)?.[1];
  assert.ok(code, "the mail carries a six-digit code");
  return code;
}
