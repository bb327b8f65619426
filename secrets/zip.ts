import AdmZip from "adm-zip";

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** A zip archive (Playwright traces, zipped reports), or undefined for anything else. */
export function readZip(input: Buffer): AdmZip | undefined {
  if (!input.subarray(0, 4).equals(ZIP_MAGIC)) return undefined;
  try {
    const zip = new AdmZip(input);
    zip.getEntries();
    return zip;
  } catch {
    return undefined;
  }
}
