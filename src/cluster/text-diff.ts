/**
 * Line diff in unified format, for `kindling diff`. Common prefix and suffix
 * are cut first (an object usually changes in a few places), then the middle
 * is matched by longest common subsequence. A middle too large for that
 * (thousands of lines changed at once) is shown as removed-then-added.
 */
export type DiffLine = { op: " " | "-" | "+"; text: string };

const MAX_LCS_CELLS = 4_000_000;

export function diffLines(a: string[], b: string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: " ", text }));
  out.push(...middle(a.slice(start, endA), b.slice(start, endB)));
  out.push(...a.slice(endA).map((text) => ({ op: " " as const, text })));
  return out;
}

function middle(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_LCS_CELLS) {
    return [...a.map((text) => ({ op: "-" as const, text })), ...b.map((text) => ({ op: "+" as const, text }))];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], in one flat array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j] ? (lcs[(i + 1) * w + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i] as string });
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] as number) >= (lcs[i * w + j + 1] as number)) out.push({ op: "-", text: a[i++] as string });
    else out.push({ op: "+", text: b[j++] as string });
  }
  while (i < n) out.push({ op: "-", text: a[i++] as string });
  while (j < m) out.push({ op: "+", text: b[j++] as string });
  return out;
}

/** Unified hunks with `context` lines around each change; empty when the texts are equal. */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }, context = 3): string {
  const a = before.split("\n");
  const b = after.split("\n");
  const lines = diffLines(a, b);
  if (!lines.some((l) => l.op !== " ")) return "";
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  const changed = lines.map((l) => l.op !== " ");
  let i = 0;
  let oldLine = 1;
  let newLine = 1;
  const position: { old: number; new: number }[] = lines.map((l) => {
    const p = { old: oldLine, new: newLine };
    if (l.op !== "+") oldLine++;
    if (l.op !== "-") newLine++;
    return p;
  });
  while (i < lines.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const from = Math.max(0, i - context);
    let to = i;
    // Extend the hunk while the next change is within 2*context lines.
    for (let k = i; k < lines.length; k++) {
      if (changed[k]) to = k;
      else if (k - to > 2 * context) break;
    }
    const end = Math.min(lines.length, to + context + 1);
    const hunk = lines.slice(from, end);
    const oldCount = hunk.filter((l) => l.op !== "+").length;
    const newCount = hunk.filter((l) => l.op !== "-").length;
    const p = position[from] as { old: number; new: number };
    out.push(`@@ -${p.old},${oldCount} +${p.new},${newCount} @@`);
    for (const l of hunk) out.push(`${l.op}${l.text}`);
    i = end;
  }
  return `${out.join("\n")}\n`;
}
