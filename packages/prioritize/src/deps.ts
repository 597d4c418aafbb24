// The only file of this package that imports the existing scanner tree.
export { BulwarkError, errorMessage } from "../../../src/errors.js";
