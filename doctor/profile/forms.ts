import { Parser } from "htmlparser2";

// The forms a page's HTML holds, as a person would name their parts: each
// field by its label (<label for>, a wrapping <label>, aria-label) or
// placeholder, each button by its text. Pages rendered in the browser have
// none in their HTML; the doctor then proposes nothing for them.

export interface FoundField {
  label: string | undefined;
  placeholder: string | undefined;
  type: string;
  name: string | undefined;
  autocomplete: string | undefined;
}

export interface FoundForm {
  fields: FoundField[];
  /** Text of the buttons that can submit it, first the explicit submit buttons. */
  buttons: string[];
  /** Controls a profile cannot fill (checkboxes, radios, selects), by label or name. */
  unfillable: string[];
}

export interface FoundPage {
  forms: FoundForm[];
  links: Array<{ href: string; text: string }>;
  /** What the HTML says of how the app is built, for guessing where it keeps the session. */
  hints: PageHints;
}

export interface PageHints {
  /** `/_next/` assets, `__NEXT_DATA__` or `self.__next_f` (the App Router's payload). */
  nextjs: boolean;
  /** The page names @supabase/ssr (an import map, a chunk's URL, inline code). */
  supabaseSsr: boolean;
}

export function readHints(html: string): PageHints {
  return {
    nextjs: /\/_next\/|__NEXT_DATA__|self\.__next_f/.test(html),
    supabaseSsr: /@supabase\/ssr/.test(html),
  };
}

const NOT_FIELDS = new Set(["hidden", "submit", "button", "reset", "image", "file"]);
const UNFILLABLE = new Set(["checkbox", "radio"]);

interface OpenField extends FoundField {
  id: string | undefined;
  ariaLabel: string | undefined;
  unfillable: boolean;
}

interface OpenForm {
  fields: OpenField[];
  submits: string[];
  others: string[];
}

export function readPage(html: string): FoundPage {
  const forms: OpenForm[] = [];
  // Controls outside any <form>: an app that submits with a click handler.
  const loose: OpenForm = { fields: [], submits: [], others: [] };
  const labelsFor = new Map<string, string>();
  const links: FoundPage["links"] = [];
  let form: OpenForm | undefined;
  let label: { for: string | undefined; text: string; fields: OpenField[] } | undefined;
  let button: { submit: boolean; text: string } | undefined;
  let link: { href: string; text: string } | undefined;
  let skipping = 0;

  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        if (tag === "script" || tag === "style" || tag === "template") skipping++;
        const into = form ?? loose;
        if (tag === "form") form = { fields: [], submits: [], others: [] };
        else if (tag === "label") label = { for: attributes.for, text: "", fields: [] };
        else if (tag === "a" && attributes.href) link = { href: attributes.href, text: "" };
        else if (tag === "button") {
          const type = (attributes.type ?? "submit").toLowerCase();
          if (type !== "reset") button = { submit: type === "submit", text: "" };
        } else if (tag === "input" || tag === "textarea" || tag === "select") {
          const type = tag === "input" ? (attributes.type ?? "text").toLowerCase() : tag;
          if (tag === "input" && (type === "submit" || type === "button")) {
            if (attributes.value)
              (type === "submit" ? into.submits : into.others).push(attributes.value);
            return;
          }
          if (NOT_FIELDS.has(type)) return;
          const field: OpenField = {
            label: undefined,
            placeholder: attributes.placeholder?.trim() || undefined,
            type,
            name: attributes.name,
            autocomplete: attributes.autocomplete,
            id: attributes.id,
            ariaLabel: attributes["aria-label"]?.trim() || undefined,
            unfillable: UNFILLABLE.has(type) || tag === "select",
          };
          into.fields.push(field);
          label?.fields.push(field);
        }
      },
      ontext(text) {
        if (skipping > 0) return;
        if (label) label.text += text;
        if (button) button.text += text;
        if (link) link.text += text;
      },
      onclosetag(tag) {
        if (tag === "script" || tag === "style" || tag === "template") skipping--;
        else if (tag === "form" && form) {
          forms.push(form);
          form = undefined;
        } else if (tag === "label" && label) {
          const text = squeeze(label.text) || undefined;
          if (label.for && text) labelsFor.set(label.for, text);
          for (const field of label.fields) field.label ??= text;
          label = undefined;
        } else if (tag === "button" && button) {
          const text = squeeze(button.text);
          if (text) (button.submit ? (form ?? loose).submits : (form ?? loose).others).push(text);
          button = undefined;
        } else if (tag === "a" && link) {
          links.push({ href: link.href, text: squeeze(link.text) });
          link = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();

  if (loose.fields.length > 0) forms.push(loose);
  const labelOf = (field: OpenField) =>
    (field.id ? labelsFor.get(field.id) : undefined) ?? field.label ?? field.ariaLabel;
  return {
    forms: forms.map((open) => ({
      fields: open.fields
        .filter((field) => !field.unfillable)
        .map((field) => ({
          label: labelOf(field),
          placeholder: field.placeholder,
          type: field.type,
          name: field.name,
          autocomplete: field.autocomplete,
        })),
      buttons: [...open.submits, ...open.others],
      unfillable: open.fields
        .filter((field) => field.unfillable)
        .map((field) => labelOf(field) ?? field.name ?? field.type),
    })),
    links,
    hints: readHints(html),
  };
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
