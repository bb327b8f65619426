// Apart from mailbox.ts so that adapters can throw it without importing the
// module that imports them.

/** A mailbox that cannot be read, or mail that did not come or points somewhere it should not. */
export class MailboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MailboxError";
  }
}
