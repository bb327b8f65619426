// Types of session-cookie.js (plain JS, shared with the page's script).

export interface NamedCookie {
  name: string;
  value: string;
}

export const MAX_CHUNK_SIZE: number;
export function storageKey(supabaseUrl: string): string;
export function encodeSession(session: unknown): string;
export function decodeSession(value: string): Record<string, unknown> | null;
export function chunkCookies(name: string, value: string, chunkSize?: number): NamedCookie[];
export function parseCookies(header: string | undefined): Map<string, string>;
export function combineChunks(cookies: Map<string, string>, name: string): string | null;
export function readSession(
  header: string | undefined,
  name: string,
): Record<string, unknown> | null;
export function sessionCookieWrites(name: string, session: unknown, header: string): string[];
export function sessionCookieRemovals(name: string, header: string): string[];
