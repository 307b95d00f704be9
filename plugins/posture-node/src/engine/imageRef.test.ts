import fc from 'fast-check';
import {
  ImageRefError,
  fromRegistry,
  normaliseRegistryEntry,
  parseImageRef,
  pinning,
  tryParseImageRef,
} from './imageRef';

const SHA = 'sha256:' + 'a'.repeat(64);

describe('parseImageRef', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
    ['nginx:latest', 'docker.io', 'library/nginx', 'latest', undefined],
    ['bitnami/redis:7.2', 'docker.io', 'bitnami/redis', '7.2', undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    [
      'index.docker.io/library/nginx:1',
      'docker.io',
      'library/nginx',
      '1',
      undefined,
    ],
    [
      'docker.io/bitnami/redis',
      'docker.io',
      'bitnami/redis',
      undefined,
      undefined,
    ],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/app', 'localhost:5000', 'app', undefined, undefined],
    ['localhost:5000/app:v2', 'localhost:5000', 'app', 'v2', undefined],
    [
      'registry.example.com:443/team/app:1.0.0',
      'registry.example.com:443',
      'team/app',
      '1.0.0',
      undefined,
    ],
    ['ghcr.io/acme/api', 'ghcr.io', 'acme/api', undefined, undefined],
    [
      'quay.io/fairwinds/docker-demo:latest',
      'quay.io',
      'fairwinds/docker-demo',
      'latest',
      undefined,
    ],
    ['k8s.gcr.io/busybox', 'k8s.gcr.io', 'busybox', undefined, undefined],
    [
      'Registry.Example.com/app',
      'Registry.Example.com',
      'app',
      undefined,
      undefined,
    ],
    ['UPPER/app', 'UPPER', 'app', undefined, undefined],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', undefined],
    ['10.0.0.1:5000/a/b/c:x_y', '10.0.0.1:5000', 'a/b/c', 'x_y', undefined],
    ['my-registry/app', 'docker.io', 'my-registry/app', undefined, undefined],
    ['a__b/c.d/e--f', 'docker.io', 'a__b/c.d/e--f', undefined, undefined],
    [`nginx@${SHA}`, 'docker.io', 'library/nginx', undefined, SHA],
    [`nginx:1.27@${SHA}`, 'docker.io', 'library/nginx', '1.27', SHA],
    [`localhost:5000/app@${SHA}`, 'localhost:5000', 'app', undefined, SHA],
    [
      `ghcr.io/a/b@sha512:${'0'.repeat(128)}`,
      'ghcr.io',
      'a/b',
      undefined,
      `sha512:${'0'.repeat(128)}`,
    ],
  ])('%s', (raw, domain, path, tag, digest) => {
    const ref = parseImageRef(raw);
    expect(ref).toEqual({
      raw,
      domain,
      path,
      name: `${domain}/${path}`,
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    });
  });

  it.each([
    ['', /empty/],
    [' nginx', /whitespace/],
    ['nginx:', /tag is empty/],
    ['nginx:-x', /invalid tag/],
    ['nginx:.x', /invalid tag/],
    [`nginx:${'a'.repeat(129)}`, /invalid tag/],
    ['nginx:a:b', /invalid registry|invalid tag|lower case|component/],
    ['Nginx', /lower case/],
    ['acme/App', /lower case/],
    ['nginx/', /empty path component/],
    ['a//b', /empty path component/],
    ['-nginx', /component/],
    ['nginx-', /component/],
    ['ngi$nx', /component/],
    ['bad_host.com/app', /registry host/],
    ['-bad.com/app', /registry host/],
    ['localhost:port/app', /registry host/],
    ['nginx@sha256:abc', /invalid digest/],
    [`nginx@md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    [`nginx@sha256:${'A'.repeat(64)}`, /lower-case hex/],
    [`nginx@sha256:${'a'.repeat(63)}`, /lower-case hex/],
    [`nginx@${SHA}@${SHA}`, /invalid digest/],
    ['a'.repeat(64), /image ID/],
    ['@' + SHA, /repository name is empty/],
    [':1.0', /repository name is empty/],
    [`${'a'.repeat(250)}/b`, /longer than 255/],
  ])('rejects %j', (raw, reason) => {
    expect(() => parseImageRef(raw)).toThrow(ImageRefError);
    expect(() => parseImageRef(raw)).toThrow(reason);
  });

  it.each([[null], [undefined], [42], [{}], [['nginx']]])(
    'rejects the non-string %p',
    v => {
      const r = tryParseImageRef(v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/must be a string/);
    },
  );

  it('round-trips generated references', () => {
    const comp = fc
      .stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)?$/)
      .filter(s => s.length <= 20);
    const host = fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.[a-z]{2,4}$/);
    const port = fc.option(fc.integer({ min: 1, max: 65535 }), {
      nil: undefined,
    });
    const tag = fc.option(
      fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        host,
        port,
        fc.array(comp, { minLength: 1, maxLength: 3 }),
        tag,
        (h, p, parts, t) => {
          const domain = p === undefined ? h : `${h}:${p}`;
          const raw = `${domain}/${parts.join('/')}${
            t === undefined ? '' : `:${t}`
          }`;
          const ref = parseImageRef(raw);
          return (
            ref.domain === domain &&
            ref.path === parts.join('/') &&
            ref.tag === t
          );
        },
      ),
    );
  });

  it('never throws anything but ImageRefError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), s => {
        const r = tryParseImageRef(s);
        return typeof r.ok === 'boolean';
      }),
    );
  });
});

describe('pinning', () => {
  it.each([
    ['nginx', 'untagged'],
    ['nginx:latest', 'latest'],
    ['localhost:5000/app', 'untagged'],
    ['localhost:5000/app:latest', 'latest'],
    ['nginx:1.27', 'tag'],
    ['nginx:Latest', 'tag'],
    [`nginx@${SHA}`, 'digest'],
    [`nginx:latest@${SHA}`, 'digest'],
  ])('%s is %s', (raw, expected) => {
    expect(pinning(parseImageRef(raw))).toBe(expected);
  });
});

describe('registries', () => {
  it('normalises entries', () => {
    expect(
      normaliseRegistryEntry(' https://Registry.Example.com:5000/Team/ '),
    ).toBe('registry.example.com:5000/Team');
    expect(normaliseRegistryEntry('index.docker.io')).toBe('docker.io');
    expect(normaliseRegistryEntry('index.docker.io/library')).toBe(
      'docker.io/library',
    );
  });

  it.each([
    ['nginx', 'docker.io', true],
    ['nginx', 'docker.io/library', true],
    ['nginx', 'index.docker.io', true],
    ['bitnami/redis', 'docker.io/library', false],
    ['bitnami/redis', 'docker.io/bitnami', true],
    ['ghcr.io/acme/api:1', 'ghcr.io/acme', true],
    ['ghcr.io/acme-evil/api:1', 'ghcr.io/acme', false],
    ['ghcr.io/acme', 'ghcr.io/acme', true],
    ['ghcr.io/acme/api', 'ghcr.io', true],
    ['ghcr.io.evil.com/acme/api', 'ghcr.io', false],
    ['evilghcr.io/acme/api', 'ghcr.io', false],
    ['Registry.Example.com/app', 'registry.example.com', true],
    ['localhost:5000/app', 'localhost:5000', true],
    ['localhost:5000/app', 'localhost', false],
    ['eu.gcr.io/p/app', '*.gcr.io', true],
    ['gcr.io/p/app', '*.gcr.io', false],
    ['nginx', '', false],
  ])('%s from %s: %s', (image, entry, expected) => {
    expect(fromRegistry(parseImageRef(image), entry)).toBe(expected);
  });
});
