import { RestError } from "./errors.ts";

export type CountPreference = "exact" | "planned" | "estimated";
export type ReturnPreference = "representation" | "minimal" | "headers-only";

/** The `Prefer` header(s); the first value of each kind wins, as in PostgREST. */
export interface Preferences {
  readonly count?: CountPreference;
  readonly return?: ReturnPreference;
  readonly resolution?: "merge-duplicates" | "ignore-duplicates";
  readonly missing?: "default" | "null";
  readonly handling?: "strict" | "lenient";
  readonly invalid: readonly string[];
}

const KINDS: ReadonlyArray<readonly [keyof Omit<Preferences, "invalid">, readonly string[]]> = [
  ["resolution", ["merge-duplicates", "ignore-duplicates"]],
  ["return", ["representation", "minimal", "headers-only"]],
  ["count", ["exact", "planned", "estimated"]],
  ["missing", ["default", "null"]],
  ["handling", ["strict", "lenient"]],
];

/** Accepted but without effect here (Supabase does not let clients end transactions). */
const IGNORED = [/^tx=(commit|rollback)$/, /^timezone=/, /^max-affected=/];

export function parsePreferences(header: string | string[] | undefined): Preferences {
  const values = (Array.isArray(header) ? header : header ? [header] : [])
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
  const found: Record<string, string> = {};
  const invalid: string[] = [];
  for (const value of values) {
    const [name = "", setting = ""] = value.split("=", 2);
    const kind = KINDS.find(([key, allowed]) => key === name && allowed.includes(setting));
    if (kind) {
      found[kind[0]] ??= setting;
    } else if (!IGNORED.some((pattern) => pattern.test(value))) {
      invalid.push(value);
    }
  }
  const preferences = { ...found, invalid } as Preferences;
  if (preferences.handling === "strict" && invalid.length > 0) {
    throw new RestError(
      400,
      "PGRST122",
      "Invalid preferences given with handling=strict",
      `Invalid preferences: ${invalid.join(", ")}`,
    );
  }
  return preferences;
}

/** The `Preference-Applied` value for the preferences a request honoured. */
export function appliedPreferences(
  preferences: Preferences,
  honoured: ReadonlyArray<keyof Omit<Preferences, "invalid">>,
): string | undefined {
  const order: Array<keyof Omit<Preferences, "invalid">> = [
    "resolution",
    "missing",
    "return",
    "count",
    "handling",
  ];
  const applied = order
    .filter((kind) => honoured.includes(kind) && preferences[kind] !== undefined)
    .map((kind) => `${kind}=${preferences[kind]}`);
  return applied.length ? applied.join(", ") : undefined;
}

/** How a response body is rendered. */
export interface ResponseMedia {
  /** One JSON object instead of an array (application/vnd.pgrst.object+json). */
  readonly singular: boolean;
  readonly stripNulls: boolean;
  readonly contentType: string;
}

/** Picks the representation from `Accept`, or fails with 406 PGRST107 as PostgREST does. */
export function negotiateMedia(accept: string | undefined): ResponseMedia {
  if (!accept || accept.trim() === "") return json(false, false);
  const ranges = accept
    .split(",")
    .map((part, index) => {
      const [type = "", ...params] = part.split(";").map((piece) => piece.trim());
      const settings = new Map(
        params.map((param) => {
          const [key = "", value = ""] = param.split("=", 2);
          return [key.trim().toLowerCase(), value.trim().replace(/^"|"$/g, "")] as const;
        }),
      );
      const q = settings.has("q") ? Number(settings.get("q")) : 1;
      return { type: type.toLowerCase(), settings, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const strip = range.settings.get("nulls") === "stripped";
    switch (range.type) {
      case "application/json":
      case "application/*":
      case "*/*":
        return json(false, false);
      case "application/vnd.pgrst.array+json":
      case "application/vnd.pgrst.array":
        return strip
          ? {
              singular: false,
              stripNulls: true,
              contentType: "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8",
            }
          : json(false, false);
      case "application/vnd.pgrst.object+json":
      case "application/vnd.pgrst.object":
        return json(true, strip);
    }
  }
  throw new RestError(
    406,
    "PGRST107",
    `None of these media types are available: ${accept
      .split(",")
      .map((part) => part.split(";")[0]?.trim())
      .join(", ")}`,
  );
}

function json(singular: boolean, stripNulls: boolean): ResponseMedia {
  const contentType = singular
    ? `application/vnd.pgrst.object+json${stripNulls ? ";nulls=stripped" : ""}; charset=utf-8`
    : "application/json; charset=utf-8";
  return { singular, stripNulls, contentType };
}
