// Types of .dependency-cruiser.mjs for test/architecture/boundaries.test.ts.
import type { IConfiguration } from "dependency-cruiser";

export declare const PACKAGES: Record<string, string[]>;
export declare const SCANNER_STAGES: string[];
declare const config: IConfiguration & Required<Pick<IConfiguration, "forbidden" | "options">>;
export default config;
