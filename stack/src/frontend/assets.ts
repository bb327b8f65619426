import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

export interface Asset {
  /** /assets/<name>.<content hash>.<ext> */
  readonly path: string;
  readonly body: string;
  readonly contentType: string;
}

/** What a page links to, for one state of the faults. */
export interface PageAssets {
  readonly style: Asset;
  readonly icon: Asset;
  readonly scripts: readonly Asset[];
}

const CLIENT_DIR = new URL("./client/", import.meta.url);

function fingerprinted(name: string, ext: string, body: string, contentType: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, body, contentType };
}

const JS = "text/javascript; charset=utf-8";

/**
 * The frontend's built files. The bundle has two builds (with and without the
 * leaked key) and a crashing script exists for the frontend-js-error fault;
 * each state of the faults picks its set, and only that set is served.
 */
export class FrontendAssets {
  readonly #style: Asset;
  readonly #icon: Asset;
  readonly #app: Asset;
  readonly #leakyApp: Asset;
  readonly #crash: Asset;

  private constructor(app: string, style: string, icon: string, serviceRoleKey: string) {
    this.#style = fingerprinted("app", "css", style, "text/css; charset=utf-8");
    this.#icon = fingerprinted("icon", "svg", icon, "image/svg+xml");
    this.#app = fingerprinted("app", "js", app, JS);
    // The mistake this fault stands for: a secret inlined into client code at build time.
    const leakedConfig = `const SUPABASE_SERVICE_ROLE_KEY = ${JSON.stringify(serviceRoleKey)};\n`;
    this.#leakyApp = fingerprinted("app", "js", leakedConfig + app, JS);
    this.#crash = fingerprinted(
      "vendor",
      "js",
      'throw new Error("Uncaught failure in vendor bundle (fault frontend-js-error)");\n',
      JS,
    );
  }

  static async load(serviceRoleKey: string): Promise<FrontendAssets> {
    const [app, style, icon] = await Promise.all(
      ["app.js", "app.css", "icon.svg"].map((file) => readFile(new URL(file, CLIENT_DIR), "utf8")),
    );
    return new FrontendAssets(app ?? "", style ?? "", icon ?? "", serviceRoleKey);
  }

  forPage(state: { leakKey: boolean; crash: boolean }): PageAssets {
    const app = state.leakKey ? this.#leakyApp : this.#app;
    return {
      style: this.#style,
      icon: this.#icon,
      scripts: state.crash ? [this.#crash, app] : [app],
    };
  }

  /** The asset at `path` if the current state serves it. */
  find(path: string, state: { leakKey: boolean; crash: boolean }): Asset | undefined {
    const { style, icon, scripts } = this.forPage(state);
    return [style, icon, ...scripts].find((asset) => asset.path === path);
  }
}
