// The provider-neutral transcript: message types, repair for the next reader, checks, text.

export * from "./check.js";
export * from "./messages.js";
export * from "./problems.js";
export * from "./repair.js";
export * from "./text.js";
