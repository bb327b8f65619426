/** A server a part of the stack started; `close` stops it and frees its port. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
