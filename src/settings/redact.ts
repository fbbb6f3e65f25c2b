// Passwords must never reach output, however they were spelled. Every secret the
// settings see is registered here in all its spellings, and every line written
// passes through redact(); URLs with inline credentials are masked as well.

const secrets = new Set<string>();
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi;
const MASK = '***';

export function registerSecret(secret: string): void {
  if (secret.length < 3) return; // masking "a" everywhere would garble output and hide nothing
  for (const spelling of spellings(secret)) secrets.add(spelling);
}

function spellings(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), encodeURI(secret), secret.trim()];
  forms.push(forms[1]!.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  try {
    forms.push(decodeURIComponent(secret));
  } catch {
    // not percent-encoded: nothing more to add
  }
  forms.push(JSON.stringify(secret).slice(1, -1)); // as it appears inside JSON output
  return forms.filter((form) => form.length >= 3);
}

export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, `$1${MASK}@`);
  // longest first, so a secret containing another is masked whole
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}
