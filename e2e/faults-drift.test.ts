import { DRIFT_FAULTS, describeFaultMatrix } from "./support/fault-matrix.ts";

describeFaultMatrix("the suite against partial schema drift", DRIFT_FAULTS, {
  healthyFirst: false,
  greenAfter: false,
});
