import MailComposer from "nodemailer/lib/mail-composer";
import SMTPConnection from "nodemailer/lib/smtp-connection";

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  /** Connect, greeting and per-command timeout: seconds, not nodemailer's minutes. */
  timeoutMs: number;
}

export function targetOf(smtpUrl: string, timeoutMs: number): SmtpTarget {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
    timeoutMs,
  };
}

export interface Session {
  connection: SMTPConnection;
  /** Resolves once connected (STARTTLS if offered) and logged in. */
  ready: Promise<void>;
  /** Set when the server or the network ended the session. */
  ended: boolean;
}

/** Opens a session; `idleMs` lets a warm session wait longer between commands than an attempt would. */
export function openSession(target: SmtpTarget, idleMs = target.timeoutMs): Session {
  const connection = new SMTPConnection({
    host: target.host,
    port: target.port,
    secure: target.secure,
    connectionTimeout: target.timeoutMs,
    greetingTimeout: target.timeoutMs,
    dnsTimeout: target.timeoutMs,
    socketTimeout: idleMs,
    logger: false,
  });
  const session: Session = { connection, ready: Promise.resolve(), ended: false };
  session.ready = new Promise<void>((resolve, reject) => {
    // Connection failures arrive as events, not through connect's callback; and an
    // SMTPConnection without an error listener would crash the process.
    connection.on("error", (error) => {
      session.ended = true;
      reject(error);
    });
    connection.on("end", () => {
      session.ended = true;
      reject(Object.assign(new Error("connection closed by the server"), { code: "ECONNECTION" }));
    });
    connection.connect((error) => {
      if (error) return reject(error);
      if (!target.auth) return resolve();
      connection.login(target.auth, (loginError) => (loginError ? reject(loginError) : resolve()));
    });
  });
  return session;
}

/** The MIME message and its envelope, as nodemailer's transporter would build them. */
export async function compose(mail: ConstructorParameters<typeof MailComposer>[0]) {
  const node = new MailComposer(mail).compile();
  const envelope = node.getEnvelope();
  return {
    envelope: { from: envelope.from || undefined, to: envelope.to },
    raw: await node.build(),
  };
}

export function sendOn(connection: SMTPConnection, message: Awaited<ReturnType<typeof compose>>) {
  return new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
    connection.send(message.envelope, message.raw, (error, info) =>
      error ? reject(error) : resolve(info),
    );
  });
}

/** Five minutes: longer than most runs, shorter than a forgotten socket should live. */
const WARM_IDLE_MS = 5 * 60_000;

/**
 * A session opened while tests still run, so the greeting delay many SMTP
 * servers impose (smtp-server: 100 ms) is paid before the alert is due. Used
 * at most once; if it died meanwhile the caller simply opens a fresh one.
 */
export class WarmSession {
  readonly #target: SmtpTarget;
  #session: Session | undefined;
  #usable: Promise<boolean> = Promise.resolve(false);

  constructor(target: SmtpTarget) {
    this.#target = target;
  }

  warm(): void {
    if (this.#session && !this.#session.ended) return;
    this.#session?.connection.close();
    this.#session = openSession(this.#target, WARM_IDLE_MS);
    this.#usable = this.#session.ready.then(
      () => true,
      () => false,
    );
  }

  async take(): Promise<SMTPConnection | undefined> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return undefined;
    if ((await this.#usable) && !session.ended) return session.connection;
    session.connection.close();
    return undefined;
  }

  close(): void {
    this.#session?.connection.close();
    this.#session = undefined;
  }
}
