import { z } from "zod";
import { ApiError } from "./errors.ts";

const email = z
  .string({ error: "Email is required" })
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address" }));

const fullName = z
  .string({ error: "Full name is required" })
  .trim()
  .min(1, "Full name is required")
  .max(100, "Full name must be at most 100 characters");

// Supabase Auth (bcrypt) refuses passwords over 72 characters.
const newPassword = z
  .string({ error: "Password is required" })
  .min(8, "Password must be at least 8 characters")
  .max(72, "Password must be at most 72 characters");

export const registerInput = z.object({ email, password: newPassword, full_name: fullName });

export const recoverInput = z.object({ email });

export const passwordInput = z.object({ password: newPassword });

export const loginInput = z.object({
  email,
  password: z.string({ error: "Password is required" }).min(1, "Password is required"),
});

export const profileUpdateInput = z.object({ full_name: fullName });

/** Validates a JSON body; the first problem becomes a 400 naming its field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "invalid_json", "The request body must be a JSON object");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path[0];
  throw new ApiError(
    400,
    "invalid_input",
    issue?.message ?? "The request is invalid",
    typeof field === "string" ? field : undefined,
  );
}
