/** The CISA Known Exploited Vulnerabilities catalogue (JSON feed, schema 1.x). */
import { BulwarkError } from "@bulwark/model";

export interface KevEntry {
  cve: string;
  dateAdded: string;
  /** "Known" or "Unknown" as CISA publishes `knownRansomwareCampaignUse`. */
  ransomware?: string;
}

export interface KevParse {
  entries: KevEntry[];
  invalid: number;
  catalogVersion?: string;
}

const CVE = /^CVE-\d{4}-\d{4,}$/;

export function parseKev(data: Buffer, label: string): KevParse {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString("utf8"));
  } catch (e) {
    throw new BulwarkError("FEED_INVALID", `${label}: the KEV catalogue is not valid JSON`, undefined, {
      cause: e,
    });
  }
  const list = (doc as { vulnerabilities?: unknown })?.vulnerabilities;
  if (!Array.isArray(list))
    throw new BulwarkError("FEED_INVALID", `${label}: the KEV catalogue has no vulnerabilities list`);
  const entries: KevEntry[] = [];
  let invalid = 0;
  for (const item of list as Array<Record<string, unknown>>) {
    const cve = item?.cveID;
    const dateAdded = item?.dateAdded;
    if (typeof cve !== "string" || !CVE.test(cve) || typeof dateAdded !== "string") {
      invalid++;
      continue;
    }
    const ransomware = item.knownRansomwareCampaignUse;
    entries.push({ cve, dateAdded, ransomware: typeof ransomware === "string" ? ransomware : undefined });
  }
  const catalogVersion = (doc as { catalogVersion?: unknown }).catalogVersion;
  return {
    entries,
    invalid,
    catalogVersion: typeof catalogVersion === "string" ? catalogVersion : undefined,
  };
}
