/** The shared store (packages/store), used through its index only. */
export {
  openStore,
  migrate,
  isUniqueViolation,
  parseListen,
  checkListenSecurity,
  stopOnSignal,
} from "@bulwark/store";
export type { Store, Migration, ListenAddress } from "@bulwark/store";
export { loadTls } from "@bulwark/store";
