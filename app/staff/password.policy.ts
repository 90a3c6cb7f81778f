import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Staff password rule (PRODUCT.md "Security by design", SECURITY.md "Staff passwords").
 * The vendor's composition promise (8+, lower, upper, digit, special) plus what
 * NIST 800-63B asks: a breached/common blocklist, context words, long passphrases,
 * any Unicode, no truncation. Pure: (password, context) → unmet rules.
 */
export const PASSWORD_MIN_LENGTH = 8;
/** Far above the 128 the issue asks; the cap only guards the KDF against megabyte inputs. */
export const PASSWORD_MAX_LENGTH = 1024;

export type PasswordRule =
  | 'min_length'
  | 'max_length'
  | 'lowercase'
  | 'uppercase'
  | 'digit'
  | 'special'
  | 'common'
  | 'contains_email_name'
  | 'contains_product_name';

export const PASSWORD_RULE_TEXT: Record<PasswordRule, string> = {
  min_length: `at least ${PASSWORD_MIN_LENGTH} characters`,
  max_length: `at most ${PASSWORD_MAX_LENGTH} characters`,
  lowercase: 'a lower-case letter',
  uppercase: 'an upper-case letter',
  digit: 'a digit',
  special: 'a special character (not a letter or digit)',
  common: 'not a common or breached password',
  contains_email_name: 'must not contain your e-mail name',
  contains_product_name: 'must not contain the product or vendor name',
};

const COMMON = new Set(dictionary.passwords.map((p: string) => p.toLowerCase()));
const CONTEXT_WORDS = ['custos'];

/** NFKC so that look-alike compatibility forms compare equal; code points, not UTF-16 units. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

function isCommon(lower: string): boolean {
  if (COMMON.has(lower)) return true;
  // The composition rule pushes people to decorate a common word: "Password1!",
  // "Summer2024!". Strip trailing digits/symbols and leading/trailing decoration.
  const base = lower.replace(/[^\p{L}]+$/u, '').replace(/^[^\p{L}]+/u, '');
  return base.length >= 4 && COMMON.has(base);
}

export function unmetPasswordRules(password: string, context: { email?: string } = {}): PasswordRule[] {
  const p = normalizePassword(password);
  const chars = [...p];
  const unmet: PasswordRule[] = [];
  if (chars.length < PASSWORD_MIN_LENGTH) unmet.push('min_length');
  if (chars.length > PASSWORD_MAX_LENGTH) unmet.push('max_length');
  if (!/\p{Ll}/u.test(p)) unmet.push('lowercase');
  if (!/\p{Lu}/u.test(p)) unmet.push('uppercase');
  if (!/\p{Nd}/u.test(p)) unmet.push('digit');
  if (!/[^\p{L}\p{Nd}]/u.test(p)) unmet.push('special');
  const lower = p.toLowerCase();
  if (isCommon(lower)) unmet.push('common');
  const emailName = context.email?.split('@')[0]?.normalize('NFKC').toLowerCase();
  if (emailName && emailName.length >= 3 && lower.includes(emailName)) unmet.push('contains_email_name');
  if (CONTEXT_WORDS.some((w) => lower.includes(w))) unmet.push('contains_product_name');
  return unmet;
}

export function describeUnmet(unmet: readonly PasswordRule[]): string {
  return unmet.map((r) => PASSWORD_RULE_TEXT[r]).join('; ');
}
