import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as cm from '@backstage/catalog-model';
it('entities valid', async () => {
  const validators = [cm.componentEntityV1alpha1Validator, cm.systemEntityV1alpha1Validator, cm.apiEntityV1alpha1Validator, cm.groupEntityV1alpha1Validator, cm.userEntityV1alpha1Validator];
  const policy = new cm.DefaultNamespaceEntityPolicy();
  const all = ['entities.yaml', 'org.yaml'].flatMap(f => parseAllDocuments(fs.readFileSync(path.resolve(__dirname, '../../../../examples', f), 'utf8')).map(d => d.toJS()));
  const refs = new Set(all.map((e: any) => `${e.kind.toLowerCase()}:${e.metadata.name}`));
  for (const e of all) {
    const ent = await policy.enforce(e);
    for (const p of [new cm.FieldFormatEntityPolicy(), new cm.SchemaValidEntityPolicy(), new cm.NoForeignRootFieldsEntityPolicy()]) await p.enforce(ent!);
    let ok = false;
    for (const v of validators) { if (await v.check(e)) ok = true; }
    expect(`${e.kind}:${e.metadata.name}:${ok}`).toBe(`${e.kind}:${e.metadata.name}:true`);
    const s = e.spec ?? {};
    const check = (kind: string, n?: string) => { if (n) expect(refs.has(`${kind}:${n.replace(/^.*:/, '')}`) ? n : `missing ${kind}:${n}`).toBe(n); };
    check('group', s.owner); check('system', s.system); check('group', s.parent);
    for (const a of [...(s.providesApis ?? []), ...(s.consumesApis ?? [])]) check('api', a);
    for (const g of s.memberOf ?? []) check('group', g);
    for (const g of s.children ?? []) check('group', g);
  }
  console.log(`${all.length} entities ok`);
});
