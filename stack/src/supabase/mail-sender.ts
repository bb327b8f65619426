/** The envelope sender of Auth's emails (what the mail-down fault refuses). */
export const AUTH_MAIL_SENDER = "noreply@auth.local";
