/** Percentage splits whose weights always sum to 100. */

/** Spreads `total` over `n` whole numbers as evenly as possible (earlier ones get the remainder). */
export function evenWeights(n: number, total = 100): number[] {
  if (n <= 0) return [];
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total - base * n ? 1 : 0));
}

/** Scales whole-number `weights` to sum to `total`, keeping proportions (largest remainders). */
function scale(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) return evenWeights(weights.length, total);
  const exact = weights.map((w) => (w * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

/** Sets bucket `index` to `value` (0–100) and shares the rest among the others, in proportion. */
export function rebalance(weights: number[], index: number, value: number): number[] {
  if (weights.length === 0) return [];
  if (weights.length === 1) return [100];
  const v = Math.max(0, Math.min(100, Math.round(Number.isFinite(value) ? value : 0)));
  const others = weights.filter((_, i) => i !== index);
  const scaled = scale(others, 100 - v);
  const out: number[] = [];
  for (let i = 0, k = 0; i < weights.length; i++) out.push(i === index ? v : scaled[k++]);
  return out;
}

/** Removes bucket `index`; its share goes to the others, in proportion. */
export function removeBucket(weights: number[], index: number): number[] {
  const rest = weights.filter((_, i) => i !== index);
  return scale(rest, 100);
}

/** Adds a bucket taking an even share from the others. */
export function addBucket(weights: number[]): number[] {
  const n = weights.length + 1;
  const share = Math.floor(100 / n);
  return [...scale(weights, 100 - share), share];
}
