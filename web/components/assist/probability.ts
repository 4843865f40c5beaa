// A model's probability as the page shows it: whole percent, but never a certainty the model does
// not claim — 0.996 (or a float that reached 1) reads "> 99%", not "100%", and 0.004 reads "< 1%",
// not "0%". Pure: unit-tested.
export function probabilityText(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p <= 0) return '0%';
  const n = Math.round(p * 100);
  if (n >= 100) return '> 99%';
  if (n <= 0) return '< 1%';
  return `${n}%`;
}
