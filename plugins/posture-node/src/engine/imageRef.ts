/**
 * Container image references, parsed with the grammar of
 * github.com/distribution/reference (the parser the container runtimes use):
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component [ "/" path-component ]*
 *   domain    := host [ ":" port ]
 *
 * A naive split on ":" gets `localhost:5000/app` wrong (the port is not a
 * tag), so every check that reads an image goes through here.
 */

export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST =
  /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** The algorithms go-digest can verify, with their hex lengths. */
const DIGEST_HEX_LENGTH: Record<string, number> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};
const IMAGE_ID = /^[a-f0-9]{64}$/;

export class ImageRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageRefError';
  }
}

export interface ImageRef {
  /** the reference as written */
  raw: string;
  /** registry host[:port]; `docker.io` for Docker Hub (also when written `index.docker.io` or left out) */
  domain: string;
  /** repository path in the registry; Docker Hub official images get `library/` */
  path: string;
  /** `domain/path`, e.g. `docker.io/library/nginx` */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits off the registry the way the Docker CLI and the runtimes do: the
 * first component is a registry only if it looks like a host (has a `.` or a
 * `:`, is `localhost`, or has upper case letters); otherwise the image is on
 * Docker Hub.
 */
function splitDomain(name: string): {
  domain: string;
  remainder: string;
  explicit: boolean;
} {
  const i = name.indexOf('/');
  const first = i < 0 ? '' : name.slice(0, i);
  if (
    i < 0 ||
    (!/[.:]/.test(first) &&
      first !== 'localhost' &&
      first.toLowerCase() === first)
  ) {
    return { domain: DOCKER_HUB, remainder: name, explicit: false };
  }
  return { domain: first, remainder: name.slice(i + 1), explicit: true };
}

function validateDigest(digest: string): void {
  if (!DIGEST.test(digest)) {
    throw new ImageRefError(
      `invalid digest "${digest}" (expected algorithm:hex, e.g. sha256:<64 hex digits>)`,
    );
  }
  const [algorithm, hex] = digest.split(':');
  const len = DIGEST_HEX_LENGTH[algorithm];
  if (len === undefined)
    throw new ImageRefError(`unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== len || !/^[a-f0-9]+$/.test(hex)) {
    throw new ImageRefError(
      `invalid ${algorithm} digest: expected ${len} lower-case hex digits`,
    );
  }
}

/** Parses an image reference; throws ImageRefError with a readable reason. */
export function parseImageRef(input: unknown): ImageRef {
  if (typeof input !== 'string') {
    throw new ImageRefError(
      `image must be a string, got ${input === null ? 'null' : typeof input}`,
    );
  }
  const raw = input;
  if (raw === '') throw new ImageRefError('image is empty');
  if (raw.trim() !== raw)
    throw new ImageRefError('image has leading or trailing whitespace');
  if (IMAGE_ID.test(raw)) {
    throw new ImageRefError(
      'a 64-digit hex string is an image ID, not a repository name',
    );
  }

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    validateDigest(digest);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // a colon before the last slash belongs to the registry's port
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw new ImageRefError(
        tag === ''
          ? 'tag is empty after ":"'
          : `invalid tag "${tag}" (letters, digits, _ . -; at most 128; not starting with . or -)`,
      );
    }
  }

  if (rest === '') throw new ImageRefError('repository name is empty');
  const { domain: written, remainder, explicit } = splitDomain(rest);
  if (explicit && !DOMAIN.test(written))
    throw new ImageRefError(`invalid registry host "${written}"`);
  if (remainder.toLowerCase() !== remainder) {
    throw new ImageRefError(
      `repository name "${remainder}" must be lower case`,
    );
  }
  for (const component of remainder.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw new ImageRefError(
        component === ''
          ? `repository name "${remainder}" has an empty path component`
          : `invalid repository path component "${component}" (lower-case letters and digits, separated by . _ __ or -)`,
      );
    }
  }

  const domain = written === LEGACY_DOCKER_HUB ? DOCKER_HUB : written;
  const path =
    domain === DOCKER_HUB && !remainder.includes('/')
      ? OFFICIAL_PREFIX + remainder
      : remainder;
  const name = `${domain}/${path}`;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ImageRefError(
      `repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`,
    );
  }
  const ref: ImageRef = { raw, domain, path, name };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

export type ImageRefResult =
  | { ok: true; ref: ImageRef }
  | { ok: false; error: string };

/** parseImageRef without the throw. */
export function tryParseImageRef(input: unknown): ImageRefResult {
  try {
    return { ok: true, ref: parseImageRef(input) };
  } catch (e) {
    if (e instanceof ImageRefError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * How the image version is fixed: by digest (immutable), by a tag other than
 * `latest`, or not at all (no tag pulls `latest`). The runtime ignores the
 * tag when a digest is given.
 */
export function pinning(
  ref: ImageRef,
): 'digest' | 'tag' | 'latest' | 'untagged' {
  if (ref.digest) return 'digest';
  if (ref.tag === undefined) return 'untagged';
  return ref.tag === 'latest' ? 'latest' : 'tag';
}

/**
 * Normalises a trusted-registry entry (`ghcr.io/acme`, `docker.io`,
 * `https://registry.example.com:5000/`, `*.gcr.io`): scheme and trailing
 * slashes dropped, host lower-cased, `index.docker.io` read as `docker.io`.
 * Path prefixes are kept as written: registries treat paths case-sensitively.
 */
export function normaliseRegistryEntry(entry: string): string {
  let e = entry
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/+$/, '');
  const i = e.indexOf('/');
  let host = (i < 0 ? e : e.slice(0, i)).toLowerCase();
  if (host === LEGACY_DOCKER_HUB) host = DOCKER_HUB;
  e = i < 0 ? host : `${host}${e.slice(i)}`;
  return e;
}

/**
 * True when the image comes from the registry entry: same host (a `*.` entry
 * matches any subdomain) and, when the entry has a path, the repository is
 * under that path (`ghcr.io/acme` matches `ghcr.io/acme/api`, not
 * `ghcr.io/acme-evil/api`).
 */
export function fromRegistry(ref: ImageRef, entry: string): boolean {
  const e = normaliseRegistryEntry(entry);
  if (!e) return false;
  const i = e.indexOf('/');
  const host = i < 0 ? e : e.slice(0, i);
  const prefix = i < 0 ? '' : e.slice(i + 1);
  const domain = ref.domain.toLowerCase();
  const hostOk = host.startsWith('*.')
    ? domain.endsWith(host.slice(1)) && domain.length > host.length - 1
    : domain === host;
  if (!hostOk) return false;
  return (
    prefix === '' || ref.path === prefix || ref.path.startsWith(`${prefix}/`)
  );
}
