// `npm run on-deploy`: runs triggered by deploys (on-deploy/cli.ts), after setting up what is missing.
import { runInForeground } from "./foreground.mjs";

runInForeground("npm run on-deploy", "on-deploy/cli.ts");
