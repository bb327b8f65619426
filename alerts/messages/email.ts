import type { AlertView, Notification } from "../types.ts";
import {
  deploysLine,
  diagnosisLine,
  digestLine,
  fallbackLine,
  firstLines,
  footerLine,
  headline,
  linkLines,
  plainText,
  resolvedLine,
  sinceLine,
  whereLine,
} from "./text.ts";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function alertHtml(view: AlertView, n: Notification, firing: boolean): string {
  const lines = firing
    ? [diagnosisLine(view), sinceLine(view, n), ...linkLines(view)]
    : [resolvedLine(view, n)];
  const error = firing ? firstLines(view.error) : [];
  return [
    `<li><b>${firing ? "✖" : "✔"} ${escapeHtml(view.title)}</b><br>`,
    `<small>${escapeHtml(whereLine(view))}</small><br>`,
    ...lines.filter((l): l is string => Boolean(l)).map((l) => `${escapeHtml(l)}<br>`),
    error.length ? `<pre>${escapeHtml(error.join("\n"))}</pre>` : "",
    "</li>",
  ].join("");
}

/** Subject, plain text and a plain HTML twin; no remote images, no scripts. */
export function renderEmail(n: Notification): { subject: string; text: string; html: string } {
  const fallback = fallbackLine(n);
  const live = n.kind === "alert" ? deploysLine(n) : undefined;
  const sections = [
    `<h2>${escapeHtml(headline(n))}</h2>`,
    fallback ? `<p><b>${escapeHtml(fallback)}</b></p>` : "",
    n.firing.length ? `<ul>${n.firing.map((v) => alertHtml(v, n, true)).join("")}</ul>` : "",
    n.resolved.length ? `<ul>${n.resolved.map((v) => alertHtml(v, n, false)).join("")}</ul>` : "",
    n.digest.length
      ? `<ul>${n.digest.map((i) => `<li>${escapeHtml(digestLine(i))}</li>`).join("")}</ul>`
      : "",
    live ? `<p><small>${escapeHtml(live)}</small></p>` : "",
    `<p><small>${escapeHtml(footerLine(n))}</small></p>`,
  ];
  return { subject: headline(n), text: plainText(n), html: sections.join("\n") };
}
