/**
 * Every failure of the chart pipeline names the chart and carries the fix
 * (`hint`), so the CLI can print it as is and tests can match on the class.
 * The message already contains the hint; `hint` is there for callers that
 * want to show it separately.
 */
export class ChartError extends Error {
  constructor(
    readonly chart: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The archive is nowhere we may look: not cached, no mirror copy, no network. */
export class ChartMissingError extends ChartError {
  constructor(chart: string, chartName: string, version: string, why: string, mirrorDir?: string) {
    const file = `${chartName}-${version}.tgz`;
    const hint = mirrorDir
      ? `put ${file} into the mirror ${mirrorDir}, or run \`kindling charts pull\` on a connected machine`
      : `run \`kindling charts pull\` on a connected machine, or set KINDLING_CHART_MIRROR to a directory holding ${file}`;
    super(chart, `chart ${chart} ${version} is not in the cache and ${why}: ${hint}`, hint);
  }
}

/** Where a mismatching archive was found decides the fix. */
export type ArchiveOrigin = "cache" | "mirror" | "repository";

/** The archive's sha256 is not the one in charts.lock.yaml: refuse it. */
export class DigestMismatchError extends ChartError {
  constructor(
    chart: string,
    version: string,
    readonly actual: string,
    readonly expected: string,
    readonly file: string,
    readonly origin: ArchiveOrigin,
  ) {
    const hint =
      origin === "cache"
        ? `the cached archive ${file} was modified or corrupted; delete it and run \`kindling charts pull\``
        : `if the upstream chart was re-published on purpose, run \`kindling charts lock --chart ${chart}\``;
    const where = { cache: "cached file", mirror: "mirror file", repository: "downloaded from" }[origin];
    super(
      chart,
      `refusing chart ${chart} ${version}: archive digest ${actual} does not match charts.lock.yaml ${expected} (${where} ${file}); ${hint}`,
      hint,
    );
  }
}

/** The chart is declared but charts.lock.yaml has no entry for it. */
export class NotLockedError extends ChartError {
  constructor(chart: string, lockFile: string) {
    const hint = `run \`kindling charts lock --chart ${chart}\``;
    super(chart, `chart ${chart} is declared by a component but is not pinned in ${lockFile}; ${hint}`, hint);
  }
}

/** One chart whose declaration differs from its lock entry. */
export interface LockProblem {
  chart: string;
  message: string;
}

/** Declarations and charts.lock.yaml disagree (one error lists every chart). */
export class LockMismatchError extends ChartError {
  constructor(readonly problems: LockProblem[]) {
    const hint = "run `kindling charts lock`";
    super(problems[0]?.chart ?? "", problems.map((p) => p.message).join("\n"), hint);
  }
}

/** helm itself failed (template error, bad chart, non-network pull failure). */
export class HelmFailedError extends ChartError {
  constructor(
    chart: string,
    what: string,
    readonly args: string[],
    readonly stderr: string,
    hint: string,
  ) {
    super(chart, `chart ${chart}: ${what} failed:\n${indent(stderr.trim() || "(helm printed nothing)")}\n${hint}`, hint);
  }
}

/** No helm binary to run. */
export class HelmNotFoundError extends ChartError {
  constructor(chart: string, detail: string) {
    const hint = "run `scripts/tools/install.sh` (installs helm into the kindling tool cache) or set KINDLING_HELM_BIN to a helm 4 binary";
    super(chart, `chart ${chart}: cannot run helm: ${detail}; ${hint}`, hint);
  }
}

/** helm printed something that is not a list of Kubernetes objects. */
export class ChartOutputError extends ChartError {
  constructor(chart: string, detail: string) {
    const hint = "fix the chart template named above (or the values that feed it)";
    super(chart, `chart ${chart}: ${detail}; ${hint}`, hint);
  }
}

/** charts.lock.yaml cannot be read or is malformed. Not tied to one chart. */
export class LockFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}; fix the file or regenerate it with \`kindling charts lock\``);
    this.name = "LockFileError";
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
