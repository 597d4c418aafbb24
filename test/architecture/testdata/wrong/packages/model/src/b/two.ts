import { one } from "../a/one.js";

export const two = (): number => (Math.random() > 2 ? one() : 0);
