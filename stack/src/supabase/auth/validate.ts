import { AUTH } from "./config.ts";
import { badRequest, weakPassword } from "./errors.ts";

// The address syntax GoTrue checks (badoux/checkmail's format rule).
const EMAIL_FORMAT =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Returns the lower-cased address, or throws validation_failed as GoTrue's validateEmail. */
export function validateEmail(email: string): string {
  if (email === "") throw badRequest("validation_failed", "An email address is required");
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!EMAIL_FORMAT.test(email)) {
    throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  }
  return email.toLowerCase();
}

/** Returns the number in GoTrue's stored form (E.164 digits without "+"). */
export function validatePhone(phone: string): string {
  const digits = phone.replace(/^\+/, "").replaceAll(" ", "");
  if (!/^[1-9][0-9]{1,14}$/.test(digits)) {
    throw badRequest("validation_failed", "Invalid phone number format (E.164 required)");
  }
  return digits;
}

/** GoTrue's checkPasswordStrength with the hosted defaults (length only). */
export function checkPasswordStrength(password: string): void {
  if (password.length > AUTH.passwordMaxLength) {
    throw badRequest(
      "validation_failed",
      `Password cannot be longer than ${AUTH.passwordMaxLength} characters`,
    );
  }
  if (password.length < AUTH.passwordMinLength) {
    throw weakPassword(`Password should be at least ${AUTH.passwordMinLength} characters.`, [
      "length",
    ]);
  }
}
