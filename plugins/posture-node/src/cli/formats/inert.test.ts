import { inert } from './inert';

describe('inert', () => {
  it('escapes control characters as before', () => {
    expect(inert('a\nb\rc\td\u001b[2Je\u0000f\u009bg\u2028h\u2029')).toBe('a\\nb\\rc\\td^[[2Je\\u0000f\\u009bg\\u2028h\\u2029');
  });

  it('escapes bidirectional controls and noncharacters, so a name cannot reorder what the table shows', () => {
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
    for (const c of [...bidi, '\ufdd0', '\ufdef', '\ufffe', '\uffff']) {
      expect(inert(`x${c}y`)).toBe(`x\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}y`);
    }
    // "Trojan Source": RLO makes `exe.yaml` read as `lmay.exe`
    expect(inert('evil\u202elmay.exe')).toBe('evil\\u202elmay.exe');
  });

  it('leaves ordinary text alone, including non-Latin scripts, emoji and the joiners they use', () => {
    for (const s of ['web-api', 'café', 'ناشر', 'שלום', '日本語', '👩\u200d💻', 'a\u200cb', '\ufeff', '\ufffd']) {
      expect(inert(s)).toBe(s);
    }
  });
});
