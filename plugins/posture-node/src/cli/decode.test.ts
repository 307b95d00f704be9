import { decodeManifest } from './decode';

describe('decodeManifest', () => {
  it('reads UTF-8 and drops a byte order mark', () => {
    expect(decodeManifest(Buffer.from('\ufeffkind: Pod\nname: café\n'))).toEqual({
      text: 'kind: Pod\nname: café\n',
    });
  });

  it('refuses NUL bytes, invalid UTF-8 and UTF-16', () => {
    expect(decodeManifest(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).toEqual({
      error: 'binary file (it contains NUL bytes)',
    });
    expect(decodeManifest(Buffer.from([0x6b, 0x3a, 0x20, 0xc3, 0x28]))).toEqual({
      error: 'not UTF-8 text (binary file?)',
    });
    expect(decodeManifest(Buffer.from('\ufeffa: 1', 'utf16le'))).toEqual({
      error: 'UTF-16 text is not supported; save the file as UTF-8',
    });
  });
});
