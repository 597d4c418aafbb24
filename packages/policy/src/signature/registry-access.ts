import { RegistryClient, findCredentials, type ImageReference } from "../deps.js";

/** How to reach a registry: credentials, TLS and a time bound. */
export interface RegistryAccess {
  username?: string;
  password?: string;
  dockerConfig?: string;
  insecure?: boolean;
  ca?: string;
  timeoutMs?: number;
}

export function registryClient(ref: ImageReference, access: RegistryAccess): RegistryClient {
  return new RegistryClient(ref.registry, ref.repository, {
    creds: findCredentials(ref.registry, access),
    insecure: access.insecure,
    ca: access.ca,
    timeoutMs: access.timeoutMs,
  });
}
