import { randomUUID } from "node:crypto";
import type { ParsedMail } from "mailparser";

export interface StoredMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  date: string;
  text: string | null;
  html: string | null;
}

/** Messages kept in memory, newest first, the oldest dropped past `capacity`. */
export class Inbox {
  readonly #capacity: number;
  #messages: StoredMessage[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(mail: ParsedMail, envelopeTo: string[], envelopeFrom: string): StoredMessage {
    const message: StoredMessage = {
      id: randomUUID(),
      from: mail.from?.value[0]?.address ?? envelopeFrom,
      // The envelope is who the message was delivered to, Bcc included.
      to: envelopeTo.map((address) => address.toLowerCase()),
      subject: mail.subject ?? "",
      date: (mail.date ?? new Date()).toISOString(),
      text: mail.text ?? null,
      html: typeof mail.html === "string" ? mail.html : null,
    };
    this.#messages.unshift(message);
    this.#messages.length = Math.min(this.#messages.length, this.#capacity);
    return message;
  }

  list(to?: string): StoredMessage[] {
    if (to === undefined) return [...this.#messages];
    const wanted = to.trim().toLowerCase();
    return this.#messages.filter((message) => message.to.includes(wanted));
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.find((message) => message.id === id);
  }

  clear(): void {
    this.#messages = [];
  }
}
