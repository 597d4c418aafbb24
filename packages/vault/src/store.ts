/** The shared store (packages/store), used through its index only. */
export {
  openStore,
  migrate,
  isUniqueViolation,
  parseListen,
  checkListenSecurity,
  stopOnSignal,
} from "../../store/src/index.js";
export type { Store, Migration, ListenAddress } from "../../store/src/index.js";
export { loadTls } from "../../store/src/index.js";
