/**
 * Where a reference id of a check is documented upstream. Only ids of the
 * expected shape become links; the URL is built from constants, never from a
 * free-form string.
 */
export function referenceUrl(source: string, id: string): string | undefined {
  switch (source) {
    case 'kubescape':
      return /^C-\d{4}$/.test(id) ? `https://hub.armosec.io/docs/${id.toLowerCase()}` : undefined;
    case 'kubeScore':
      // every kube-score check is documented on one page, by id
      return /^[a-z][a-z-]*$/.test(id) ? 'https://github.com/zegl/kube-score/blob/master/README_CHECKS.md' : undefined;
    case 'polaris':
      return /^[A-Za-z]+$/.test(id) ? 'https://polaris.docs.fairwinds.com/checks/security/' : undefined;
    case 'pss':
      return 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
    case 'cis':
      // the benchmark is published as one document; its sections are not addressable
      return /^\d+(\.\d+)*$/.test(id) ? 'https://www.cisecurity.org/benchmark/kubernetes' : undefined;
    case 'nsa':
      return 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF';
    default:
      return undefined;
  }
}

/**
 * A link to a manifest file in the entity's repository, from the entity's
 * `backstage.io/source-location` (`url:https://host/org/repo/tree/main/`) and
 * the result's file path. Undefined when either is missing, the location is
 * not an http(s) URL, or the path tries to leave the repository.
 */
export function sourceFileUrl(sourceLocation: string | undefined, file: string | undefined): string | undefined {
  if (!sourceLocation || !file) return undefined;
  const base = sourceLocation.replace(/^url:/, '');
  if (!/^https?:\/\//.test(base)) return undefined;
  const rel = file.replace(/^\.\//, '');
  if (rel.startsWith('/') || rel.split('/').some(p => p === '..') || /[\u0000-\u001f\\]/.test(rel)) return undefined;
  try {
    const url = new URL(rel.split('/').map(encodeURIComponent).join('/'), base.endsWith('/') ? base : `${base}/`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
