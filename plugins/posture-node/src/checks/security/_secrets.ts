/**
 * Heuristics for credentials written in plain configuration. Nothing here
 * ever returns or logs the value it judged: callers show the key name and
 * MASK only.
 */

export const MASK = '****';

/** Words that make a key name a credential on their own. */
const STRONG = /^(?:\w*PASSW(?:OR)?DS?|PASSPHRASE|\w*SECRETS?|\w*TOKENS?|\w*CREDENTIALS?|BEARER|APIKEY|PRIVATEKEY|SECRETKEY|ACCESSKEY|CLIENTSECRET)$/;

/** `<qualifier> KEY` is a credential: API_KEY, PRIVATE_KEY, ACCOUNT_KEY… */
const KEY_QUALIFIERS = new Set([
  'API',
  'PRIVATE',
  'ACCESS',
  'SECRET',
  'ACCOUNT',
  'MASTER',
  'SIGNING',
  'ENCRYPTION',
  'AUTH',
  'CLIENT',
  'STORAGE',
  'SSH',
  'HMAC',
  'JWT',
  'SESSION',
  'TLS',
]);

/**
 * A last word that makes the name describe a credential rather than hold it:
 * PASSWORD_FILE, SECRET_NAME, TOKEN_URL, TOKEN_TTL, AWS_ACCESS_KEY_ID…
 */
const METADATA = new Set([
  'FILE', 'FILES', 'PATH', 'DIR', 'DIRECTORY', 'LOCATION', 'MOUNT', 'NAME', 'NAMES', 'REF', 'KEYREF',
  'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'ID', 'TTL', 'EXPIRY', 'EXPIRATION', 'EXPIRES', 'LIFETIME',
  'TIMEOUT', 'INTERVAL', 'PERIOD', 'LENGTH', 'SIZE', 'COUNT', 'RETRIES', 'ENABLED', 'ENABLE', 'DISABLED',
  'REQUIRED', 'HEADER', 'TYPE', 'KIND', 'MODE', 'POLICY', 'FORMAT', 'ALGORITHM', 'VERSION', 'PREFIX',
  'SUFFIX', 'FIELD', 'AUDIENCE', 'ISSUER', 'SCOPE', 'SCOPES', 'PROVIDER', 'METHOD',
]);

/** `dbPassword`, `db.password`, `DB-PASSWORD` → [DB, PASSWORD] */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** Whether a key or variable name says it holds a credential. */
export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  if (METADATA.has(last)) return false;
  if (words.some(w => STRONG.test(w))) return true;
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== 'KEY') continue;
    if (i > 0 && KEY_QUALIFIERS.has(words[i - 1])) return true;
    // OCI_CLI_KEY_CONTENT, SSH_KEY_DATA
    if (i + 1 < words.length && ['CONTENT', 'DATA', 'MATERIAL', 'PEM'].includes(words[i + 1])) return true;
  }
  // AZURE_BATCH_KEY, AZURE_STORAGE_ACCOUNT_KEY: every Azure *KEY variable is a key
  return words[0] === 'AZURE' && last.endsWith('KEY');
}

/** Values that are a reference or a placeholder, not a credential. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '').trim();
  if (v === '') return true;
  // $(VAR) is expanded by the kubelet; ${VAR}, {{ }} and <x> are template placeholders
  if (/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v)) return true;
  if (/^\$\{[^}]*\}$/.test(v) || /^\{\{.*\}\}$/.test(v) || /^<[^>]*>$/.test(v)) return true;
  // $VAR and Argo CD's $secret.key refer to a value kept elsewhere
  if (/^\$[A-Za-z_][\w.:-]*$/.test(v)) return true;
  if (/^(true|false|yes|no|on|off|null|none|~|enabled|disabled)$/i.test(v)) return true;
  // a file path names where the credential is, not the credential
  if (/^\/[\w.\-/]*$/.test(v)) return true;
  return /^\*+$/.test(v);
}

interface ValuePattern {
  what: string;
  re: RegExp;
}

const VALUE_PATTERNS: ValuePattern[] = [
  // also matches variations like ---BEGIN OPENSSH PRIVATE KEY--- and BEGIN RSA PRIVATE KEY
  { what: 'a private key', re: /-BEGIN\s+(?:[A-Z0-9]+\s+)*PRIVATE\s+KEY(?:\s+BLOCK)?-/i },
  { what: 'a JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { what: 'a GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/ },
  { what: 'a GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a Stripe secret key', re: /\b[rs]k_live_[0-9A-Za-z]{20,}/ },
];

/** What kind of credential a value contains, or undefined. Never returns the value. */
export function credentialInValue(value: string): string | undefined {
  for (const p of VALUE_PATTERNS) if (p.re.test(value)) return p.what;
  // scheme://user:password@host (redis and others leave the user empty)
  // the unanchored pattern retries at every letter of a long config file; most values have no URL
  const url = value.includes('://') ? /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s/@]+)@/i.exec(value) : null;
  if (url && !isPlaceholder(url[1])) return 'a password in a URL';
  // Server=…;Password=…; connection strings
  const conn = /(?:^|[;\s])(?:password|pwd)\s*=\s*([^;\s]+)/i.exec(value);
  if (conn && !isPlaceholder(conn[1])) return 'a password in a connection string';
  return undefined;
}

export interface EmbeddedSecret {
  /** the key inside the file, e.g. `spring.datasource.password` */
  key: string;
  line: number;
}

/**
 * `key: value` / `key=value` / `"key": "value"` lines of a config file
 * (YAML, properties, INI, .env, JSON) whose key names a credential and whose
 * value is a literal.
 */
export function embeddedSecrets(text: string): EmbeddedSecret[] {
  const out: EmbeddedSecret[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^\s*(?:export\s+|-\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$/.exec(line);
    if (!m) return;
    const [, key, raw] = m;
    // block scalars, nested maps and lists carry no value on this line
    if (/^[|>[{&*!#]/.test(raw) || /^["']?\s*["']?$/.test(raw)) return;
    const value = raw.replace(/\s+#.*$/, '');
    if (isSensitiveName(key) && !isPlaceholder(value)) out.push({ key, line: i + 1 });
  });
  return out;
}
