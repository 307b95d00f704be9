import { coversPillars, describeGuarantees, parseGuarantees, templatePath, toGoldenPath } from './guarantees';
import { templateEntity } from '../testUtils/fixtures';

describe('parseGuarantees', () => {
  it('parses every known key', () => {
    expect(parseGuarantees('scalability=100,security=95,level=Gold,pss=restricted')).toEqual({
      scalability: 100,
      security: 95,
      level: 'Gold',
      pss: 'restricted',
    });
  });

  it('tolerates spacing and case, and skips unknown or malformed parts', () => {
    expect(parseGuarantees(' Security = 90 , level=silver, pss=RESTRICTED, colour=blue, scalability=lots, x')).toEqual({
      security: 90,
      level: 'Silver',
      pss: 'restricted',
    });
    expect(parseGuarantees('scalability=101,security=-1,scalability=')).toBeUndefined();
  });

  it('returns undefined for non-strings and empty values', () => {
    expect(parseGuarantees(undefined)).toBeUndefined();
    expect(parseGuarantees(42)).toBeUndefined();
    expect(parseGuarantees('')).toBeUndefined();
  });
});

describe('coversPillars', () => {
  const g = { scalability: 100, security: 80 };

  it('needs a guarantee above the current score for every failing pillar', () => {
    expect(coversPillars(g, ['scalability'], { scalability: 60 })).toBe(true);
    expect(coversPillars(g, ['scalability', 'security'], { scalability: 60, security: 70 })).toBe(true);
    expect(coversPillars(g, ['scalability', 'security'], { scalability: 60, security: 85 })).toBe(false);
    expect(coversPillars({ security: 100 }, ['scalability'], {})).toBe(false);
  });

  it('treats an unknown current score as beatable, and nothing failing as nothing to cover', () => {
    expect(coversPillars(g, ['security'], { security: null })).toBe(true);
    expect(coversPillars(g, [], {})).toBe(false);
    expect(coversPillars(undefined, ['security'], {})).toBe(false);
  });
});

describe('golden path helpers', () => {
  it('builds the scaffolder link and a readable description', () => {
    const t = toGoldenPath(templateEntity('node-service', 'scalability=100,security=100,level=Gold,pss=restricted'));
    expect(t).toMatchObject({ entityRef: 'template:default/node-service', title: 'Template node-service' });
    expect(templatePath(t)).toBe('/create/templates/default/node-service');
    expect(describeGuarantees(t.guarantees)).toBe('scalability 100, security 100, level Gold, PSS restricted');
    expect(describeGuarantees(undefined)).toBe('no guarantees declared');
  });
});
