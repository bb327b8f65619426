import type { AddressInfo } from "node:net";
import type { FaultSwitches } from "../faults.ts";
import { createMailApi } from "./api.ts";
import { Inbox } from "./inbox.ts";
import { createSmtpServer } from "./smtp.ts";

export interface MailSinkOptions {
  host: string;
  smtpPort: number;
  httpPort: number;
  /** Oldest messages are dropped past this many. */
  maxMessages?: number;
  /** Larger messages are refused with SMTP 552. */
  maxMessageBytes?: number;
  /** Read per transaction: mail-down refuses the mail of `downFor`'s senders. */
  faults?: FaultSwitches;
  /** Envelope senders whose mail mail-down refuses; others' mail still arrives. */
  downFor?: readonly string[];
}

export interface RunningMailSink {
  /** smtp://127.0.0.1:<port> */
  readonly smtpUrl: string;
  /** http://127.0.0.1:<port> */
  readonly apiUrl: string;
  close(): Promise<void>;
  /** Lets the process exit while the sink still listens (it then goes with the process). */
  unref(): void;
}

export const DEFAULT_MAX_MESSAGES = 1000;
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startMailSink(options: MailSinkOptions): Promise<RunningMailSink> {
  const inbox = new Inbox(options.maxMessages ?? DEFAULT_MAX_MESSAGES);
  const smtp = createSmtpServer({
    inbox,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    refuses: (sender) =>
      options.faults?.on("mail-down") === true &&
      (options.downFor ?? []).some((address) => address.toLowerCase() === sender),
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(options.smtpPort, options.host, () => {
      smtp.off("error", reject);
      resolve();
    });
  });
  const closeSmtp = () => new Promise<void>((resolve) => smtp.close(() => resolve()));

  const api = createMailApi(inbox);
  try {
    await api.listen({ host: options.host, port: options.httpPort });
  } catch (error) {
    await closeSmtp();
    throw error;
  }

  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (api.server.address() as AddressInfo).port;
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl: `http://127.0.0.1:${httpPort}`,
    async close() {
      await Promise.all([closeSmtp(), api.close()]);
    },
    unref() {
      smtp.server.unref();
      api.server.unref();
    },
  };
}
