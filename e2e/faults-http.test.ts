import { describeFaultMatrix, HTTP_FAULTS } from "./support/fault-matrix.ts";

describeFaultMatrix("the suite against backend and frontend faults", HTTP_FAULTS, {
  healthyFirst: false,
  greenAfter: true,
});
