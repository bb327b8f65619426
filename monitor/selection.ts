import { TIER_BY_PROJECT } from "../contract/vocabulary.ts";
import type { MonitorConfig, Scope } from "./config-schema.ts";

// Which checks a cycle runs, as `playwright test` arguments: the job's own
// checks (a schedule's scope, or everything the other schedules leave to the
// default one), less what a maintenance window pauses.

/** The projects a cycle can name; setup and cleanup come along as dependencies. */
export const CHECK_PROJECTS = Object.keys(TIER_BY_PROJECT).filter(
  (name) => name !== "setup" && name !== "cleanup",
);

export interface Selection {
  projects: string[];
  /** A test runs if it carries one of these tags (empty: any test). */
  tags: string[];
  /** …and none of these. */
  withoutTags: string[];
  /** `file:line` filters (a re-check of failing checks). */
  locations: string[];
}

const literal = (tag: string) => tag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// A tag ends where its name does: @db must not match @db-slow.
const anyOf = (tags: string[]) => `(?:${tags.map(literal).join("|")})(?![\\w-])`;

/** The checks of one job of the config: "default" or a schedule's name. */
export function jobSelection(config: MonitorConfig, job: string): Selection {
  if (job !== "default") {
    const schedule = config.schedules.find((s) => s.name === job);
    if (!schedule) throw new Error(`no schedule named ${job}`);
    return {
      projects: schedule.only.projects ?? [...CHECK_PROJECTS],
      tags: schedule.only.tags ?? [],
      withoutTags: [],
      locations: [],
    };
  }
  // What the named schedules claim whole (a project with no tag filter) leaves the default.
  const claimedProjects = config.schedules
    .filter((s) => s.only.projects && !s.only.tags)
    .flatMap((s) => s.only.projects ?? []);
  const claimedTags = config.schedules
    .filter((s) => s.only.tags && !s.only.projects)
    .flatMap((s) => s.only.tags ?? []);
  return {
    projects: CHECK_PROJECTS.filter((p) => !claimedProjects.includes(p)),
    tags: [],
    withoutTags: claimedTags,
    locations: [],
  };
}

/** The selection less what paused windows cover; undefined when nothing is left to run. */
export function withoutPaused(selection: Selection, paused: Scope[]): Selection | undefined {
  let projects = selection.projects;
  const withoutTags = [...selection.withoutTags];
  for (const scope of paused) {
    const whole = !scope.projects && !scope.tags;
    if (whole) return undefined;
    if (scope.projects && !scope.tags)
      projects = projects.filter((p) => !scope.projects?.includes(p));
    else if (scope.tags && !scope.projects) withoutTags.push(...scope.tags);
    else {
      // Tags within projects: Playwright cannot say "these tags in those projects only",
      // so the tags are paused everywhere the cycle runs them (the stricter reading).
      withoutTags.push(...(scope.tags ?? []));
    }
  }
  if (projects.length === 0) return undefined;
  return { ...selection, projects, withoutTags: [...new Set(withoutTags)] };
}

export function playwrightArgs(selection: Selection): string[] {
  const args = selection.projects.map((p) => `--project=${p}`);
  if (selection.tags.length > 0) args.push(`--grep=${anyOf(selection.tags)}`);
  if (selection.withoutTags.length > 0) args.push(`--grep-invert=${anyOf(selection.withoutTags)}`);
  args.push(...selection.locations);
  return args;
}
