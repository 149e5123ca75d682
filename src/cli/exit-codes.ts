/** Exit codes, documented in `kindling --help` and the README. Scripts may rely on them. */
export const EXIT = {
  /** Everything worked. */
  ok: 0,
  /** The definition rendered, but objects are invalid (or doctor found a required tool missing). */
  invalid: 1,
  /** Bad command line or bad kindling.config.ts: nothing was rendered or written. */
  usage: 2,
  /** The machine is not ready: a tool or chart is missing, a digest does not match, helm failed. */
  environment: 3,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    ok
  1    validation failed (invalid objects; doctor: a required tool is missing)
  2    usage or config error (bad flag, bad kindling.config.ts); nothing written
  3    environment error (tool or chart missing, digest mismatch, helm failed)
  130  interrupted`;
