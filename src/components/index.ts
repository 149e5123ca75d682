import { postgresql } from "./postgresql.ts";
import { traefik } from "./traefik.ts";

/**
 * Every component kindling knows, by name. Order matters only for output
 * stability; dependencies between apps are declared by the apps themselves.
 * A new component is one file plus one line here.
 */
export const components = {
  traefik,
  postgresql,
} as const;
