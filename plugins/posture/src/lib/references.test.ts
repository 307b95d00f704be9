import { referenceUrl, sourceFileUrl } from './references';

describe('referenceUrl', () => {
  it('links ids of the expected shape to their upstream documentation', () => {
    expect(referenceUrl('kubescape', 'C-0017')).toBe('https://hub.armosec.io/docs/c-0017');
    expect(referenceUrl('kubeScore', 'pod-probes')).toContain('kube-score');
    expect(referenceUrl('cis', '5.2.1')).toContain('cisecurity.org');
    expect(referenceUrl('kubescape', 'javascript:alert(1)')).toBeUndefined();
    expect(referenceUrl('unknown', 'x')).toBeUndefined();
  });
});

describe('sourceFileUrl', () => {
  const loc = 'url:https://github.com/example/shop/tree/main/';
  it('joins the entity source location and the manifest path', () => {
    expect(sourceFileUrl(loc, 'deploy/deployment.yaml')).toBe('https://github.com/example/shop/tree/main/deploy/deployment.yaml');
    expect(sourceFileUrl('url:https://github.com/example/shop/tree/main', './k8s/a b.yaml')).toBe(
      'https://github.com/example/shop/tree/main/k8s/a%20b.yaml',
    );
  });

  it('gives no link without both parts, for other schemes, or for paths that leave the repository', () => {
    expect(sourceFileUrl(undefined, 'a.yaml')).toBeUndefined();
    expect(sourceFileUrl(loc, undefined)).toBeUndefined();
    expect(sourceFileUrl('url:javascript:alert(1)//', 'a.yaml')).toBeUndefined();
    expect(sourceFileUrl(loc, '../../secrets.yaml')).toBeUndefined();
    expect(sourceFileUrl(loc, '/etc/passwd')).toBeUndefined();
  });
});
