/**
 * In-place editing of INI files the user keeps (Kallithea's are long and commented):
 * only the lines of the key being set change; every other byte, comment and line
 * ending stays as it was. The line rules follow Python's ConfigParser, which is what
 * reads these files in the end.
 */

export type IniLineKind = 'blank' | 'comment' | 'section' | 'key' | 'continuation';

export interface IniLine {
  readonly kind: IniLineKind;
  /** The line without its line ending. */
  readonly text: string;
  readonly eol: string;
  /** Section name for 'section' lines; the section a line belongs to otherwise. */
  readonly section: string | undefined;
  /** Lower-cased key for 'key' and 'continuation' lines (ConfigParser lower-cases keys). */
  readonly key?: string;
  /** 1-based line number. */
  readonly number: number;
}

export interface IniProblem {
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

const SECTION = /^\[([^\]]+)\]\s*([#;].*)?$/;
const KEY = /^([^=:\s[][^=:]*?)\s*[=:]/;

export interface IniScan {
  readonly lines: readonly IniLine[];
  readonly problems: readonly IniProblem[];
}

// One run reads and edits the same few INI files a dozen times (Kallithea's has 500
// lines): a scan is kept by the exact text, and is read-only, so sharing it is safe.
const scans = new Map<string, IniScan>();
const KEEP_SCANS = 8;

/** Splits INI text into classified lines, and lists what ConfigParser would reject. */
export function scanIni(text: string): IniScan {
  const kept = scans.get(text);
  if (kept) return kept;
  const scan = scanText(text);
  for (const line of scan.lines) Object.freeze(line);
  Object.freeze(scan.lines);
  Object.freeze(scan.problems);
  if (scans.size >= KEEP_SCANS) scans.delete(scans.keys().next().value as string);
  scans.set(text, scan);
  return scan;
}

function scanText(text: string): IniScan {
  const lines: IniLine[] = [];
  const problems: IniProblem[] = [];
  const seen = new Set<string>();
  let section: string | undefined;
  let key: string | undefined;
  const parts = text.split(/(\r\n|\n|\r)/);
  for (let i = 0; i < parts.length; i += 2) {
    const lineText = parts[i] ?? '';
    const eol = parts[i + 1] ?? '';
    if (lineText === '' && eol === '' && i === parts.length - 1) break;
    const number = i / 2 + 1;
    const trimmed = lineText.trim();
    const base = { text: lineText, eol, number };
    if (trimmed === '') {
      lines.push({ ...base, kind: 'blank', section });
      continue;
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) {
      lines.push({ ...base, kind: 'comment', section });
      continue;
    }
    if (/^\s/.test(lineText) && key !== undefined) {
      lines.push({ ...base, kind: 'continuation', section, key });
      continue;
    }
    const header = SECTION.exec(lineText);
    if (header) {
      section = header[1] as string;
      key = undefined;
      if (seen.has(section)) problems.push({ line: number, text: lineText, reason: `section [${section}] appears twice` });
      seen.add(section);
      lines.push({ ...base, kind: 'section', section });
      continue;
    }
    const match = KEY.exec(lineText);
    if (match && section !== undefined) {
      key = (match[1] as string).trim().toLowerCase();
      lines.push({ ...base, kind: 'key', section, key });
      continue;
    }
    problems.push({
      line: number,
      text: lineText,
      reason: section === undefined ? 'a setting before any [section] header' : 'neither a [section], a key = value, nor a comment',
    });
    key = undefined;
    lines.push({ ...base, kind: 'comment', section });
  }
  return { lines, problems };
}

const join = (lines: readonly IniLine[]): string => lines.map((l) => l.text + l.eol).join('');

/** The dominant line ending of a file, for lines devdb adds. */
function lineEnding(lines: readonly IniLine[]): string {
  const crlf = lines.filter((l) => l.eol === '\r\n').length;
  return crlf > lines.length / 2 ? '\r\n' : '\n';
}

/** The value of `key` in `section` exactly as ConfigParser reads it (no inline comments). */
export function rawValue(text: string, section: string, key: string): string | undefined {
  const { lines } = scanIni(text);
  const wanted = key.toLowerCase();
  const index = lines.findIndex((l) => l.kind === 'key' && l.section === section && l.key === wanted);
  if (index < 0) return undefined;
  const first = lines[index] as IniLine;
  const value = [first.text.slice((KEY.exec(first.text)?.[0].length ?? 0)).trim()];
  for (const l of lines.slice(index + 1)) {
    if (l.kind !== 'continuation') break;
    value.push(l.text.trim());
  }
  return value.join('\n').trim();
}

/** Whether `section` has a setting `key` (uncommented). */
export function hasKey(text: string, section: string, key: string): boolean {
  return rawValue(text, section, key) !== undefined;
}

/** Whether the file has a `[section]` header. */
export function hasSection(text: string, section: string): boolean {
  return scanIni(text).lines.some((l) => l.kind === 'section' && l.section === section);
}

/**
 * Returns `text` with `key` in `section` set to `value`. Only that setting's lines
 * change; a missing key is added after the section's last setting, a missing
 * section at the end of the file.
 */
export function setIniValue(text: string, section: string, key: string, value: string): string {
  const { lines } = scanIni(text);
  const eol = lineEnding(lines);
  const wanted = key.toLowerCase();
  const index = lines.findIndex((l) => l.kind === 'key' && l.section === section && l.key === wanted);
  if (index >= 0) {
    const line = lines[index] as IniLine;
    const matched = /^([^=:]*[=:][ \t]*)/.exec(line.text)?.[1] ?? `${key} = `;
    const wasEmpty = line.text.slice(matched.length).trim() === '';
    // "handlers =" set to a value gets the usual space; set back to nothing it loses it again.
    const head = value === '' ? matched.trimEnd() : wasEmpty && !/\s$/.test(matched) ? `${matched} ` : matched;
    let end = index + 1;
    while (lines[end]?.kind === 'continuation') end += 1;
    const replaced: IniLine = { ...line, text: head + value, eol: lines[end - 1]?.eol ?? line.eol };
    return join([...lines.slice(0, index), replaced, ...lines.slice(end)]);
  }
  const added = (text: string): IniLine => ({ kind: 'key', text, eol, section, key: wanted, number: 0 });
  const inSection = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.section === section);
  if (inSection.length === 0) {
    const tail = lines.length > 0 && (lines[lines.length - 1] as IniLine).eol === '' ? [{ ...(lines[lines.length - 1] as IniLine), eol }] : [];
    const body = tail.length > 0 ? lines.slice(0, -1).concat(tail) : lines;
    const header: IniLine = { kind: 'section', text: `[${section}]`, eol, section, number: 0 };
    const blank: IniLine = { kind: 'blank', text: '', eol, section, number: 0 };
    return join([...body, ...(body.length > 0 ? [blank] : []), header, added(`${key} = ${value}`)]);
  }
  const settings = inSection.filter(({ l }) => l.kind === 'key' || l.kind === 'continuation' || l.kind === 'section');
  const after = (settings[settings.length - 1] as { i: number }).i;
  const previous = lines[after] as IniLine;
  const fixed = previous.eol === '' ? [{ ...previous, eol }] : [previous];
  return join([...lines.slice(0, after), ...fixed, added(`${key} = ${value}`), ...lines.slice(after + 1)]);
}

/**
 * Returns `text` without the setting `key` in `section` (and its continuation lines);
 * with `dropEmptySection`, a section left with only blank lines goes too, with the
 * blank line before its header.
 */
export function removeIniKey(text: string, section: string, key: string, { dropEmptySection }: { dropEmptySection: boolean }): string {
  const { lines } = scanIni(text);
  const wanted = key.toLowerCase();
  const index = lines.findIndex((l) => l.kind === 'key' && l.section === section && l.key === wanted);
  if (index < 0) return text;
  let end = index + 1;
  while (lines[end]?.kind === 'continuation') end += 1;
  const kept = [...lines.slice(0, index), ...lines.slice(end)];
  const rest = kept.filter((l) => l.section === section && l.kind !== 'section');
  if (!dropEmptySection || rest.some((l) => l.kind !== 'blank')) return join(kept);
  const header = kept.findIndex((l) => l.kind === 'section' && l.section === section);
  const start = header > 0 && kept[header - 1]?.kind === 'blank' ? header - 1 : header;
  const result = kept.filter((l, i) => (i < start || i > header) && !(l.section === section && l.kind === 'blank' && i > header));
  return join(result);
}
