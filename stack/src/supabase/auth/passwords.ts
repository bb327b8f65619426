import bcrypt from "bcryptjs";
import { AUTH } from "./config.ts";

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, AUTH.bcryptCost);
}

/** False for users without a password (NULL or empty hash), like GoTrue's Authenticate. */
export async function passwordMatches(hash: string | null, password: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}

export function isBcryptHash(hash: string): boolean {
  return /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash);
}
