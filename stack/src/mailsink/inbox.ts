import { randomUUID } from "node:crypto";
import type { AddressObject, EmailAddress, ParsedMail } from "mailparser";

/** What `GET /messages` and `GET /messages/:id` answer. */
export interface StoredMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  date: string;
  text: string | null;
  html: string | null;
}

export interface HeaderAddress {
  name: string;
  address: string;
}

/**
 * A message with what its headers say beside the envelope: the Mailpit view
 * (mailpit-api.ts) searches header recipients, as Mailpit does, and reports
 * when the sink received the message apart from the Date header.
 */
export interface ReceivedMessage {
  stored: StoredMessage;
  messageId: string;
  headers: {
    from: HeaderAddress | undefined;
    to: HeaderAddress[];
    cc: HeaderAddress[];
    bcc: HeaderAddress[];
    replyTo: HeaderAddress[];
  };
  /** The Date header, if the message had one. */
  dateHeader: Date | undefined;
  receivedAt: Date;
  size: number;
  read: boolean;
}

/** Messages kept in memory, newest first, the oldest dropped past `capacity`. */
export class Inbox {
  readonly #capacity: number;
  #messages: ReceivedMessage[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(mail: ParsedMail, envelopeTo: string[], envelopeFrom: string, size = 0): StoredMessage {
    const stored: StoredMessage = {
      id: randomUUID(),
      from: mail.from?.value[0]?.address ?? envelopeFrom,
      // The envelope is who the message was delivered to, Bcc included.
      to: envelopeTo.map((address) => address.toLowerCase()),
      subject: mail.subject ?? "",
      date: (mail.date ?? new Date()).toISOString(),
      text: mail.text ?? null,
      html: typeof mail.html === "string" ? mail.html : null,
    };
    this.#messages.unshift({
      stored,
      messageId: (mail.messageId ?? "").replace(/^<|>$/g, ""),
      headers: {
        from: addresses(mail.from)[0],
        to: addresses(mail.to),
        cc: addresses(mail.cc),
        bcc: addresses(mail.bcc),
        replyTo: addresses(mail.replyTo),
      },
      dateHeader: mail.date,
      receivedAt: new Date(),
      size,
      read: false,
    });
    this.#messages.length = Math.min(this.#messages.length, this.#capacity);
    return stored;
  }

  list(to?: string): StoredMessage[] {
    if (to === undefined) return this.#messages.map((message) => message.stored);
    const wanted = to.trim().toLowerCase();
    return this.#messages
      .filter((message) => message.stored.to.includes(wanted))
      .map((message) => message.stored);
  }

  get(id: string): StoredMessage | undefined {
    return this.received(id)?.stored;
  }

  /** Every message with its header view, newest first. */
  all(): ReceivedMessage[] {
    return [...this.#messages];
  }

  received(id: string): ReceivedMessage | undefined {
    return this.#messages.find((message) => message.stored.id === id);
  }

  /** Removes the messages with these ids; unknown ids are ignored. */
  delete(ids: string[]): void {
    const gone = new Set(ids);
    this.#messages = this.#messages.filter((message) => !gone.has(message.stored.id));
  }

  clear(): void {
    this.#messages = [];
  }
}

/** Header addresses, groups flattened; parts without an address are dropped. */
function addresses(field: AddressObject | AddressObject[] | undefined): HeaderAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flat = (entries: EmailAddress[]): EmailAddress[] =>
    entries.flatMap((entry) => (entry.group ? flat(entry.group) : [entry]));
  return flat(objects.flatMap((object) => object.value))
    .filter((entry) => entry.address)
    .map((entry) => ({ name: entry.name ?? "", address: entry.address ?? "" }));
}
