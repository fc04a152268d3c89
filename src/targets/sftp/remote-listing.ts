import { SFTP_ECHO } from './sftp-client.ts';

/** One entry of a remote directory, as `ls -la` in sftp shows it. */
export interface RemoteEntry {
  name: string;
  type: 'dir' | 'file' | 'symlink' | 'other';
  size: number;
}

/**
 * `ls -lan` in sftp's long format: mode, links, owner, group, size, `Mon DD HH:MM` (or `Mon DD  YYYY`),
 * then the path as given to `ls` joined with the name (which may hold spaces).
 */
const LONG_LINE = /^([-dlpscbD?])\S*\s+\S+\s+\S+\s+\S+\s+(\d+)\s+[A-Za-z]{3}\s+\d+\s+[\d:]+\s(.+)$/;

/**
 * Reads the directory listings out of the stdout of a batch whose `ls -lan <dir>` commands (with or
 * without `-`) listed `dirs`, in that order. A directory whose `ls` failed (e.g. it does not exist)
 * lists nothing. `.` and `..` are left out.
 */
export function parseListings(output: string, dirs: readonly string[]): Map<string, RemoteEntry[]> {
  const sections: string[][] = [];
  let section: string[] | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith(SFTP_ECHO)) {
      section = /^-?ls /.test(line.slice(SFTP_ECHO.length)) ? [] : undefined;
      if (section !== undefined) sections.push(section);
    } else {
      section?.push(line);
    }
  }
  if (sections.length !== dirs.length) {
    throw new Error(`expected ${dirs.length} directory listings from sftp, found ${sections.length}`);
  }
  return new Map(dirs.map((dir, index) => [dir, entriesOf(sections[index]!, dir)]));
}

function entriesOf(lines: readonly string[], dir: string): RemoteEntry[] {
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const entries: RemoteEntry[] = [];
  for (const line of lines) {
    const match = LONG_LINE.exec(line);
    if (match === null || !match[3]!.startsWith(prefix)) continue;
    const name = match[3]!.slice(prefix.length);
    if (name === '.' || name === '..' || name === '') continue;
    const type =
      match[1] === 'd' ? 'dir' : match[1] === '-' ? 'file' : match[1] === 'l' ? 'symlink' : 'other';
    entries.push({ name, type, size: Number(match[2]) });
  }
  return entries;
}
