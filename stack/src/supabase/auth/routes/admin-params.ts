import { z } from "zod";
import { flag, jsonObject, text } from "../body.ts";
import { parseGoDuration } from "../duration.ts";
import { badRequest } from "../errors.ts";

/** GoTrue's AdminUserParams. */
export const AdminUserBody = z.object({
  id: text(),
  aud: text(),
  role: text(),
  email: text(),
  phone: text(),
  password: text(),
  password_hash: text(),
  email_confirm: flag(),
  phone_confirm: flag(),
  user_metadata: jsonObject(),
  app_metadata: jsonObject(),
  ban_duration: text(),
});

export type AdminUserParams = z.infer<typeof AdminUserBody>;

/**
 * ban_duration in Go duration syntax, "none" to lift a ban. Returns the new
 * banned_until (null to unban), or undefined when the field is absent.
 */
export function banUntil(banDuration: string | null | undefined): Date | null | undefined {
  if (!banDuration) return undefined;
  if (banDuration === "none") return null;
  let ms: number;
  try {
    ms = parseGoDuration(banDuration);
  } catch (error) {
    throw badRequest(
      "validation_failed",
      `invalid format for ban duration: ${(error as Error).message}`,
    );
  }
  return ms === 0 ? null : new Date(Date.now() + ms);
}
