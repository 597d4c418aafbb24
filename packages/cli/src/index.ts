/** The library API: everything the CLI does is available in-process from here. */
export * from "@bulwark/model";
export * from "@bulwark/scanner";
