#!/usr/bin/env node
// kindling is written in TypeScript and so is the platform definition it
// loads; tsx compiles both on the fly (cached on disk), so there is no
// separate build step between editing kindling.config.ts and running kindling.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
