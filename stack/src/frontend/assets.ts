import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

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

const STATIC_DIR = new URL("./static/", import.meta.url);

/** An app's page script and the modules it imports (by their relative paths; modules import nothing). */
export interface BundleFiles {
  readonly main: URL;
  readonly modules?: readonly URL[];
}

/** How `main` names `module` in its import: the relative path, "./" or "../" first. */
function specifierOf(main: URL, module: URL): string {
  const relative = path.posix.relative(
    path.posix.dirname(fileURLToPath(main)),
    fileURLToPath(module),
  );
  return relative.startsWith(".") ? relative : `./${relative}`;
}

function fingerprinted(name: string, ext: string, body: string, contentType: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, body, contentType };
}

const JS = "text/javascript; charset=utf-8";

/**
 * The frontend's built files. The bundle has two builds (with and without the
 * leaked key) and a crashing script exists for the frontend-js-error fault;
 * each state of the faults picks its set, and only that set is served. Modules
 * the bundle imports are fingerprinted too, and the import specifiers
 * rewritten to their paths, as a bundler's chunks are.
 */
export class FrontendAssets {
  readonly #style: Asset;
  readonly #icon: Asset;
  readonly #app: Asset;
  readonly #leakyApp: Asset;
  readonly #crash: Asset;
  readonly #modules: readonly Asset[];

  private constructor(
    app: string,
    modules: readonly Asset[],
    style: string,
    icon: string,
    serviceRoleKey: string,
  ) {
    this.#modules = modules;
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

  static async load(serviceRoleKey: string, bundle: BundleFiles): Promise<FrontendAssets> {
    const read = (file: URL) => readFile(file, "utf8");
    const [main, style, icon, ...moduleBodies] = await Promise.all([
      read(bundle.main),
      read(new URL("app.css", STATIC_DIR)),
      read(new URL("icon.svg", STATIC_DIR)),
      ...(bundle.modules ?? []).map(read),
    ]);
    let app = main ?? "";
    const modules = (bundle.modules ?? []).map((module, index) => {
      const name = path.posix.basename(module.pathname, ".js");
      const asset = fingerprinted(name, "js", moduleBodies[index] ?? "", JS);
      const specifier = JSON.stringify(specifierOf(bundle.main, module));
      if (!app.includes(specifier)) {
        throw new Error(`${bundle.main.pathname} does not import ${specifier}`);
      }
      app = app.replaceAll(specifier, JSON.stringify(asset.path));
      return asset;
    });
    return new FrontendAssets(app, modules, style ?? "", icon ?? "", serviceRoleKey);
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
    return [style, icon, ...scripts, ...this.#modules].find((asset) => asset.path === path);
  }
}
