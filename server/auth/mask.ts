// Masking personal data for roles that may not read it in clear: 张三 → 张*, 13812345678 → 138****5678.
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  // Latin names keep their first letter: "Li Wei" → "L*****"
  return chars[0] + '*'.repeat(Math.max(1, Math.min(chars.length - 1, 6)));
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 7) return `${digits.slice(0, 2)}***${digits.slice(-2)}`;
  return '*'.repeat(Math.max(3, digits.length));
}
