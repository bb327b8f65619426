import { DATABASE_AND_AUTH_FAULTS, describeFaultMatrix } from "./support/fault-matrix.ts";

describeFaultMatrix("the suite against database and auth faults", DATABASE_AND_AUTH_FAULTS, {
  healthyFirst: true,
  greenAfter: false,
});
