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
  resolvedLine,
  sinceLine,
  whereLine,
} from "./text.ts";

// Slack allows 50 blocks a message and 3000 characters a section.
const MAX_ITEMS = 40;
const SECTION_LIMIT = 2900;
const HEADER_LIMIT = 150;

type Block = Record<string, unknown>;

const clip = (text: string, limit: number) =>
  text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
const mrkdwn = (text: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, SECTION_LIMIT) },
});
// Slack reads &, < and > as markup in mrkdwn.
const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function firingSection(view: AlertView, n: Notification): Block {
  const lines = [`:red_circle: *${escapeMrkdwn(view.title)}*`];
  const diagnosis = diagnosisLine(view);
  if (diagnosis) lines.push(`*${escapeMrkdwn(diagnosis)}*`);
  lines.push(escapeMrkdwn(whereLine(view)));
  const since = sinceLine(view, n);
  if (since) lines.push(escapeMrkdwn(since));
  const error = firstLines(view.error);
  if (error.length) lines.push(`\`\`\`${escapeMrkdwn(error.join("\n"))}\`\`\``);
  for (const link of linkLines(view)) lines.push(escapeMrkdwn(link));
  return mrkdwn(lines.join("\n"));
}

function resolvedSection(view: AlertView, n: Notification): Block {
  return mrkdwn(
    `:large_green_circle: *${escapeMrkdwn(view.title)}*\n${escapeMrkdwn(whereLine(view))}\n${escapeMrkdwn(resolvedLine(view, n))}`,
  );
}

function capped<T>(items: T[], render: (item: T) => Block, budget: number): Block[] {
  const blocks = items.slice(0, budget).map(render);
  if (items.length > budget) blocks.push(mrkdwn(`…and ${items.length - budget} more`));
  return blocks;
}

/** Block Kit with a `text` fallback for notifications and clients that cannot show blocks. */
export function renderSlack(n: Notification): { text: string; blocks: Block[] } {
  const title = headline(n);
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: clip(title, HEADER_LIMIT) } },
  ];
  const fallback = fallbackLine(n);
  if (fallback) blocks.push(mrkdwn(`:warning: ${escapeMrkdwn(fallback)}`));
  let budget = MAX_ITEMS;
  blocks.push(...capped(n.firing, (v) => firingSection(v, n), budget));
  budget = Math.max(1, budget - n.firing.length);
  blocks.push(...capped(n.resolved, (v) => resolvedSection(v, n), budget));
  if (n.digest.length) {
    blocks.push(
      mrkdwn(
        n.digest
          .slice(0, MAX_ITEMS)
          .map((i) => `• ${escapeMrkdwn(digestLine(i))}`)
          .join("\n"),
      ),
    );
  }
  const live = n.kind === "alert" ? deploysLine(n) : undefined;
  blocks.push({
    type: "context",
    elements: [
      ...(live ? [{ type: "mrkdwn", text: escapeMrkdwn(live) }] : []),
      { type: "mrkdwn", text: escapeMrkdwn(footerLine(n)) },
    ],
  });
  const names = [...n.firing, ...n.resolved].slice(0, 5).map((v) => v.title);
  return { text: clip([title, ...names].join("\n"), 3000), blocks };
}
