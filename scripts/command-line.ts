import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]> & { help: { type: "boolean" } };

/**
 * A command's flags (`options` declares `help`): `--help` prints `usage` and
 * exits 0; an unknown or malformed flag prints what is wrong and the usage,
 * and exits 2, never a stack trace. `command` names the command in messages;
 * `args` are the flags to read (the process's own by default).
 */
export function parseCommandLine<const O extends Options>(
  command: string,
  usage: string,
  options: O,
  args: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: O }>>["values"] {
  let values: ReturnType<typeof parseArgs<{ options: O }>>["values"];
  try {
    values = parseArgs({ args, options }).values;
  } catch (error) {
    process.stderr.write(`${command}: ${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** A path as a command prints it: from the working directory when inside it, else absolute. */
export function shownPath(where: string): string {
  const relative = path.relative(process.cwd(), where);
  return relative && !relative.startsWith("..") ? relative : where;
}
