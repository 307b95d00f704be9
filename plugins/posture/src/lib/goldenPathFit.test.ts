import { result } from '../testUtils/fixtures';
import { fitsService, serviceTraits } from './goldenPathFit';
import { GoldenPathTemplate } from './guarantees';

const tpl = (tags: string[], type = 'service'): GoldenPathTemplate => ({
  entityRef: 'template:default/t',
  namespace: 'default',
  name: 't',
  title: 't',
  type,
  tags: ['golden-path', ...tags],
});
const deploymentResults = [result({ checkId: 'a' })];
const statefulResults = [
  result({ checkId: 'a', subject: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'db', name: 'pg' } }),
];
const entity = (tags: string[] = [], type = 'service') => ({ metadata: { tags }, spec: { type } });

describe('fitsService', () => {
  it('fits a template to services of its type, workload kind and language', () => {
    expect(fitsService(tpl(['nodejs']), serviceTraits(entity(['nodejs']), deploymentResults))).toBe(true);
    // a service that names no language is not ruled out by language
    expect(fitsService(tpl(['nodejs']), serviceTraits(entity(), deploymentResults))).toBe(true);
    expect(fitsService(tpl(['nodejs', 'statefulset']), serviceTraits(entity(), statefulResults))).toBe(true);
  });

  it('leaves out templates of another language, type or workload kind', () => {
    expect(fitsService(tpl(['nodejs']), serviceTraits(entity(['java']), deploymentResults))).toBe(false);
    expect(fitsService(tpl(['nodejs']), serviceTraits(entity([], 'website'), deploymentResults))).toBe(false);
    expect(fitsService(tpl(['nodejs', 'statefulset']), serviceTraits(entity(), deploymentResults))).toBe(false);
    expect(fitsService(tpl(['nodejs']), serviceTraits(entity(), statefulResults))).toBe(false);
    expect(fitsService(tpl([]), serviceTraits(entity(), []))).toBe(false);
  });
});
