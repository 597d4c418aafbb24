/** The facts about one vulnerability finding the score reads (a subset of Bulwark's finding). */
export interface RiskFinding {
  id: string;
  severity: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNKNOWN";
  /** Highest CVSS base score known, if any. */
  cvss?: number | null;
  kev: boolean;
  epss?: number | null;
  fixedVersion: string | null;
  package: { name: string; version: string; purl?: string };
  /** Where the package is recorded in the image (e.g. its dist-info/METADATA or dpkg status). */
  location?: { path: string };
  /** Which workload / image the finding belongs to, for per-workload scores. */
  asset?: string;
}

/** What runtime observation and manifests say about the workload running the image. */
export interface RuntimeContext {
  /**
   * Packages whose files a running process mapped, executed or opened during the window,
   * by purl or name. Absent = not observed (unknown), which is not the same as "not in use".
   */
  inUse?: {
    packages: ReadonlySet<string>;
    window: { from: string; to: string };
    source: string;
    /**
     * Packages the evidence can speak for (by purl), when it cannot speak for all: loaded files
     * tell only about packages whose files are known (a Python package's import directory,
     * a dpkg package's file list). Outside it a package is "unknown", never "not in use".
     */
    judged?: ReadonlySet<string>;
  };
  exposure?: {
    listeningPorts?: number[];
    northSouthFlows?: number;
    serviceType?: string;
    ingress?: boolean;
    /** Ports of the node the workload takes (hostPort, or any port on the host network). */
    hostPorts?: number[];
  };
  privilege?: { root?: boolean; privileged?: boolean; hostMounts?: string[]; capabilities?: string[] };
  /** Secrets readable by the workload (mounted or in its environment). */
  secretsReachable?: number;
}

export interface RiskScore {
  finding: RiskFinding;
  /** 0–100. */
  score: number;
  /** True / false when observed, undefined when there is no evidence either way. */
  inUse: boolean | undefined;
  exposed: boolean | undefined;
  privileged: boolean | undefined;
  fixable: boolean;
  /** One phrase per factor, in the order they weigh. */
  reasons: string[];
  /** The reasons as one sentence. */
  why: string;
}

export interface Funnel {
  highOrCritical: number;
  fixable: number;
  inUse: number;
  exposed: number;
}
