/**
 * The staff password composition rule as a live checklist (PRODUCT.md "Security by
 * design": at least 8 characters, a lower-case letter, an upper-case letter, a digit
 * and a special character). It mirrors the server's checks character for character
 * (NFKC, code points, Unicode classes) so the list never says "met" when the server
 * would refuse. The server stays authoritative: it also refuses common/breached
 * passwords and ones containing your e-mail name, and the form shows that refusal.
 */

export type PasswordRuleId = 'min_length' | 'lowercase' | 'uppercase' | 'digit' | 'special';

export interface PasswordRuleCheck {
  id: PasswordRuleId;
  label: string;
  met: boolean;
}

export const PASSWORD_MIN_LENGTH = 8;

const RULES: readonly { id: PasswordRuleId; label: string; test: (p: string) => boolean }[] = [
  { id: 'min_length', label: `At least ${PASSWORD_MIN_LENGTH} characters`, test: (p) => [...p].length >= PASSWORD_MIN_LENGTH },
  { id: 'lowercase', label: 'A lower-case letter', test: (p) => /\p{Ll}/u.test(p) },
  { id: 'uppercase', label: 'An upper-case letter', test: (p) => /\p{Lu}/u.test(p) },
  { id: 'digit', label: 'A digit', test: (p) => /\p{Nd}/u.test(p) },
  { id: 'special', label: 'A special character (not a letter or digit)', test: (p) => /[^\p{L}\p{Nd}]/u.test(p) },
];

export function passwordChecklist(password: string): PasswordRuleCheck[] {
  const p = password.normalize('NFKC');
  return RULES.map((r) => ({ id: r.id, label: r.label, met: r.test(p) }));
}

export function passwordRulesMet(password: string): boolean {
  return passwordChecklist(password).every((r) => r.met);
}
