import path from 'node:path';
import { parse } from 'yaml';
import { EngineConfig, resolveEngineConfig } from '../engine/config';
import { CliFs } from './io';
import { InputError } from './inputs';
import { decodeManifest } from './decode';

/** Reads a YAML or JSON engine config file; any problem is an {@link InputError}. */
export async function loadConfigFile(file: string, fs: CliFs, cwd: string): Promise<EngineConfig> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    throw new InputError(
      `cannot read config ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const decoded = decodeManifest(bytes);
  if ('error' in decoded) throw new InputError(`cannot read config ${file}: ${decoded.error}`);
  let data: unknown;
  try {
    // JSON is YAML, but JSON.parse gives the clearer message for a .json file
    data = file.toLowerCase().endsWith('.json')
      ? JSON.parse(decoded.text)
      : parse(decoded.text, { maxAliasCount: 100, prettyErrors: false });
  } catch (e) {
    throw new InputError(`config ${file} does not parse: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    return resolveEngineConfig(data ?? {});
  } catch (e) {
    throw new InputError(`config ${file}: ${(e as Error).message}`);
  }
}
