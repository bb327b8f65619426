// STACK_AUTH_SMTP_URL: where the stand-in's Auth sends its mail instead of the
// stack's own mail sink, as a Supabase project's custom SMTP setting does.
// smtp:// and smtps:// speak SMTP, lmtp:// LMTP (a mail store's delivery port,
// such as Dovecot's). Credentials may ride in the URL, percent-encoded.

const SCHEMES = ["smtp:", "smtps:", "lmtp:"];
const EXAMPLE = "smtp://user:password@smtp.example.com:587 or lmtp://127.0.0.1:24";

/** The URL checked; throws naming `name` (the variable or flag), never echoing the value. */
export function parseAuthSmtpUrl(value: string, name: string): string {
  const trimmed = value.trim();
  const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
  if (!url || !SCHEMES.includes(url.protocol) || url.hostname === "") {
    throw new Error(`${name}: expected an smtp://, smtps:// or lmtp:// URL, e.g. ${EXAMPLE}`);
  }
  if (url.pathname.replace(/\/+$/, "") !== "" || url.search !== "" || url.hash !== "") {
    throw new Error(`${name}: takes only scheme, credentials, host and port, e.g. ${EXAMPLE}`);
  }
  return trimmed;
}

/** STACK_AUTH_SMTP_URL checked, or undefined when unset (Auth then mails the stack's sink). */
export function authSmtpUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.STACK_AUTH_SMTP_URL ?? "";
  return raw.trim() === "" ? undefined : parseAuthSmtpUrl(raw, "STACK_AUTH_SMTP_URL");
}
