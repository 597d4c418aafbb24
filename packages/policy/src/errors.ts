import { BulwarkError, ExitCode } from "./deps.js";

export type PolicyErrorCode =
  "POLICY_INVALID" | "SIGNATURE_INVALID" | "ADMISSION_INVALID" | "REGISTRY_GARBAGE" | "TEST_INVALID";

/** A typed error of the policy package; the CLI prints it as one line and exits 2. */
export class PolicyError extends BulwarkError<PolicyErrorCode> {
  constructor(code: PolicyErrorCode, message: string) {
    super(code, message, ExitCode.error);
  }
}
