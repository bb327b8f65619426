import { expect, test } from "../../fixtures/index.ts";
import { CERTIFICATE_WARNING_DAYS, readPlatformSnapshot } from "../../platform/index.ts";

// A certificate that expires takes the whole app down at once, and nothing
// fails before it does: the run reads each https origin's certificate before
// its tests (frontend, backend, Supabase) and this check fails while there is
// still time to renew, with the days left in its diagnosis.

test.describe("TLS certificates", () => {
  test(`every https origin's certificate is valid for ${CERTIFICATE_WARNING_DAYS} more days`, {
    tag: ["@readonly"],
    annotation: { type: "signature", description: "tls-certificate" },
  }, async () => {
    const certificates = readPlatformSnapshot()?.probes.certificates ?? [];
    test.skip(
      certificates.length === 0,
      "the target serves no https origin (or no certificate could be read before the run)",
    );
    for (const certificate of certificates) {
      test.info().annotations.push({
        type: "certificate",
        description: `${new URL(certificate.url).host}: valid until ${new Date(certificate.validTo).toISOString().slice(0, 10)} (${certificate.daysLeft} days left)`,
      });
    }
    const expiring = certificates
      .filter((certificate) => certificate.daysLeft < CERTIFICATE_WARNING_DAYS)
      .map(
        (certificate) =>
          `${new URL(certificate.url).host} ${certificate.daysLeft < 0 ? "expired" : "expires"} ${new Date(certificate.validTo).toISOString().slice(0, 10)} (${certificate.daysLeft} days left)`,
      );
    expect(
      expiring,
      `certificates under ${CERTIFICATE_WARNING_DAYS} days: ${expiring.join("; ")}`,
    ).toEqual([]);
  });
});
