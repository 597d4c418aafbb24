// A fixture for limits.test.ts: a reader taking its bounds from the environment itself, as
// the layer decompressor and the registry client did before the bounds moved to one module.
function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
export const maxLayerBytes = envNumber("BULWARK_MAX_LAYER_BYTES", 16 * 1024 ** 3);
export const idle = Number(process.env.BULWARK_REGISTRY_TIMEOUT_MS) || 60_000;
// Mentioned in a message only: not a read.
export const message = `layer too large (limit: BULWARK_MAX_LAYER_BYTES)`;
