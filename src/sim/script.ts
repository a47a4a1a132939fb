// Scripted turns live next to the provider that plays them (`src/providers/simScript.ts`), so
// production code never imports `src/sim`; `baton/sim` re-exports them from here.
export * from "../providers/simScript.js";
