/** Decimal and binary suffixes of a Kubernetes byte quantity. */
const BYTE_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/**
 * Bytes of a quantity such as "5Gi" or "1.5G", unrounded, or undefined when
 * `q` is not one. `milli` also accepts the "m" suffix (× 1/1000), which
 * Kubernetes allows for memory though nobody means it; callers round.
 */
export function byteQuantity(q: string, { milli = false } = {}): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|T|Ki|Mi|Gi|Ti|m)?$/.exec(q);
  if (!m) return undefined;
  const unit = m[2] ?? "";
  if (unit === "m") return milli ? Number(m[1]) * 1e-3 : undefined;
  return Number(m[1]) * (BYTE_UNITS[unit] as number);
}
