// `npm run monitor`: the monitor (monitor/cli.ts), after setting up what is missing.
import { runInForeground } from "./foreground.mjs";

runInForeground("npm run monitor", "monitor/cli.ts");
