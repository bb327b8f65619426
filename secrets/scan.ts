// The last check before a report leaves the machine: every file of the run's
// artifacts, zips and embedded zips included, searched for every form of
// every configured secret (`configuredSecrets`: the one list and its URL parts),
// and for credentials left in URLs (an email link's token, a session in a
// redirect's fragment) whether or not the run knew their values.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CREDENTIAL_IN_URL } from "./test-secrets.ts";
import { type NamedSecret, secretForms } from "./variables.ts";
import { readZip } from "./zip.ts";

/** Where a secret was found: the file, the entry inside an archive, and which variable's value it was. */
export interface Finding {
  file: string;
  entry?: string;
  secret: string;
}

export interface ScanResult {
  files: number;
  findings: Finding[];
}

/** What a finding of CREDENTIAL_IN_URL is reported as. */
export const URL_CREDENTIAL =
  "a Supabase Auth credential in a URL (an emailed link's token, a PKCE code or an access token)";

/** Zips embedded as data URLs, as Playwright's HTML report embeds its data. */
const EMBEDDED_ZIP = /data:application\/zip;base64,([A-Za-z0-9+/=]+)/g;

/**
 * Reads every file under `roots` (missing roots are skipped), inside zip
 * archives and embedded zips too, for every form of every secret.
 */
export function scanForSecrets(roots: string[], secrets: NamedSecret[]): ScanResult {
  const needles = secrets.flatMap((secret) =>
    secretForms(secret.value).map((form) => ({ name: secret.name, bytes: Buffer.from(form) })),
  );
  const findings: Finding[] = [];
  let files = 0;
  const check = (bytes: Buffer, file: string, entry?: string) => {
    const names = new Set(needles.filter((n) => bytes.includes(n.bytes)).map((n) => n.name));
    const zip = readZip(bytes);
    if (!zip && CREDENTIAL_IN_URL.test(bytes.toString("latin1"))) names.add(URL_CREDENTIAL);
    for (const secret of names) findings.push({ file, ...(entry ? { entry } : {}), secret });
    for (const item of zip?.getEntries() ?? []) {
      if (!item.isDirectory) check(item.getData(), file, join(entry, item.entryName));
    }
    if (zip || !bytes.includes("base64,")) return;
    for (const match of bytes.toString("latin1").matchAll(EMBEDDED_ZIP)) {
      check(Buffer.from(match[1] ?? "", "base64"), file, join(entry, "(embedded zip)"));
    }
  };
  for (const root of roots.filter((item) => existsSync(item))) {
    for (const file of walk(root)) {
      files++;
      check(readFileSync(file), file);
    }
  }
  return { files, findings };
}

export function describeFindings(result: ScanResult, root: string): string {
  if (result.findings.length === 0) return `secret scan: clean (${result.files} files)`;
  const lines = result.findings.map(
    (finding) =>
      `  - ${finding.secret} in ${path.relative(root, finding.file)}${finding.entry ? ` › ${finding.entry}` : ""}`,
  );
  return `secret scan: ${result.findings.length} secret(s) found in ${result.files} files:\n${lines.join("\n")}`;
}

function* walk(root: string): Generator<string> {
  if (statSync(root).isFile()) {
    yield root;
    return;
  }
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

function join(parent: string | undefined, child: string): string {
  return parent ? `${parent} › ${child}` : child;
}
