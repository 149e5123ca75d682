import type { KubeObject } from "../model/k8s.ts";
import { CHART_EXCEPTIONS, type ChartException } from "./chart-exceptions.ts";
import { PRIVILEGED_WORKLOADS, type PrivilegedWorkload } from "./privileged.ts";
import { checkWorkloadSecurity, SECURITY_RULES, type SecurityFinding } from "./security.ts";

/** An object as the render pipeline holds it: which app, and where it came from. */
export interface SourcedObject {
  app: string;
  object: KubeObject;
  /** "typed", "chart <name> <version>", "kustomize <dir>", "files of app <x>". */
  source: string;
}

export interface AttributedFinding extends SecurityFinding {
  app: string;
  source: string;
  /** Chart name when the object came from a chart. */
  chart?: string;
}

export interface ExemptFinding extends AttributedFinding {
  reason: string;
}

export interface SecurityReport {
  /** Workloads kindling writes itself (typed objects, Kustomize, files) that break a rule: the build fails. */
  errors: AttributedFinding[];
  /** Chart workloads that break a rule no exception documents: reported, so they get fixed or documented. */
  chartFindings: AttributedFinding[];
  /** Findings a documented exemption covers, with its reason. */
  exempt: ExemptFinding[];
}

export interface ExemptionLists {
  privileged: readonly PrivilegedWorkload[];
  chartExceptions: readonly ChartException[];
}

const DEFAULT_LISTS: ExemptionLists = { privileged: PRIVILEGED_WORKLOADS, chartExceptions: CHART_EXCEPTIONS };

/** "chart traefik 41.3.0" or "chart traefik, traefik/templates/deployment.yaml" → "traefik". */
export function chartOfSource(source: string): string | undefined {
  return /^chart ([^\s,]+)/.exec(source)?.[1];
}

/**
 * Splits the findings over all rendered objects into errors (ours to fix),
 * chart findings (to fix through values or document) and documented
 * exemptions. The privileged list applies to every source; chart exceptions
 * only to objects of that chart.
 */
export function securityReport(items: readonly SourcedObject[], lists: ExemptionLists = DEFAULT_LISTS): SecurityReport {
  const report: SecurityReport = { errors: [], chartFindings: [], exempt: [] };
  for (const { app, object, source } of items) {
    const chart = chartOfSource(source);
    for (const finding of checkWorkloadSecurity([object])) {
      const attributed: AttributedFinding = { ...finding, app, source, ...(chart ? { chart } : {}) };
      const reason = exemptionFor(attributed, lists);
      if (reason !== undefined) report.exempt.push({ ...attributed, reason });
      else if (chart) report.chartFindings.push(attributed);
      else report.errors.push(attributed);
    }
  }
  return report;
}

function exemptionFor(f: AttributedFinding, lists: ExemptionLists): string | undefined {
  const privileged = lists.privileged.find(
    (p) =>
      p.kind === f.kind &&
      p.namespace === f.namespace &&
      nameMatches(p.name, f.name) &&
      containerMatches(p.containers, f.container) &&
      p.privileges.includes(f.rule),
  );
  if (privileged) return privileged.reason;
  if (!f.chart) return undefined;
  const exception = lists.chartExceptions.find(
    (e) =>
      e.chart === f.chart &&
      e.kind === f.kind &&
      nameMatches(e.name, f.name) &&
      containerMatches(e.containers, f.container) &&
      e.rules.includes(f.rule),
  );
  return exception?.reason;
}

/**
 * An entry without a container list covers the whole pod; one with a list
 * covers only findings of those containers, never a pod-level finding.
 */
function containerMatches(containers: readonly string[] | undefined, container: string | undefined): boolean {
  if (containers === undefined) return true;
  return container !== undefined && containers.includes(container);
}

function nameMatches(pattern: string | RegExp, name: string): boolean {
  return typeof pattern === "string" ? pattern === name : pattern.test(name);
}

/** Privilege names in the privileged list that are not rules, so a typo cannot exempt nothing silently. */
export function unknownPrivileges(list: readonly PrivilegedWorkload[] = PRIVILEGED_WORKLOADS): string[] {
  return list.flatMap((p) =>
    p.privileges.filter((r) => !(r in SECURITY_RULES)).map((r) => `${p.namespace}/${p.kind}/${String(p.name)}: ${r}`),
  );
}

/**
 * One line per chart workload, naming every rule it breaks: short enough to
 * read on each build, precise enough to act on.
 */
export function describeChartFindings(env: string, findings: readonly AttributedFinding[]): string[] {
  const byWorkload = new Map<string, Set<string>>();
  for (const f of findings) {
    const key = `${env}/${f.app}: ${f.kind} ${f.namespace ? `${f.namespace}/` : ""}${f.name} (chart ${f.chart})`;
    const rules = byWorkload.get(key) ?? new Set<string>();
    rules.add(f.container ? `${f.rule} [${f.container}]` : f.rule);
    byWorkload.set(key, rules);
  }
  return [...byWorkload].map(
    ([workload, rules]) =>
      `security: ${workload} falls short of the restricted defaults: ${[...rules].join(", ")}; set it through the chart's values, or document why the chart does not allow it in src/policy/chart-exceptions.ts`,
  );
}
