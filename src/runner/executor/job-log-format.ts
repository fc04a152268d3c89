/**
 * The job log's own lines, coloured as GitLab Runner colours them so logs look familiar and the
 * web UI can render them with any ANSI-aware viewer. Every helper returns a complete line.
 */

/** Bold green: section headers, progress and `$ command` echoes. */
export const ANSI_BOLD_GREEN = '\u001b[32;1m';
/** Bold red: errors. */
export const ANSI_BOLD_RED = '\u001b[31;1m';
/** Yellow: warnings. */
export const ANSI_YELLOW = '\u001b[0;33m';
/** Bold cyan: the runner's banner. */
export const ANSI_BOLD_CYAN = '\u001b[36;1m';
/** Resets colours. */
export const ANSI_RESET = '\u001b[0;m';
/** Clears to the end of line; GitLab puts it after section markers so terminals hide them. */
export const ANSI_CLEAR = '\u001b[0K';

/** A green progress or header line (`Fetching changes...`). */
export function progressLine(text: string): string {
  return `${ANSI_BOLD_GREEN}${text}${ANSI_RESET}\n`;
}

/** A plain line in the runner's voice (`Initialized empty Git repository in …`). */
export function plainLine(text: string): string {
  return `${text}\n`;
}

/** A yellow `WARNING: …` line. */
export function warningLine(text: string): string {
  return `${ANSI_YELLOW}WARNING: ${text}${ANSI_RESET}\n`;
}

/** A red `ERROR: …` line. */
export function errorLine(text: string): string {
  return `${ANSI_BOLD_RED}ERROR: ${text}${ANSI_RESET}\n`;
}

/** A cyan banner line (`Using Shell executor...`). */
export function bannerLine(text: string): string {
  return `${ANSI_CLEAR}${ANSI_BOLD_CYAN}${text}${ANSI_RESET}\n`;
}

/**
 * GitLab's collapsible-section start marker followed by the section's green header. `name` is a
 * machine name (`get_sources`, `step_script`), `header` what the reader sees.
 */
export function sectionStart(name: string, header: string, now: Date = new Date()): string {
  return `section_start:${Math.floor(now.getTime() / 1000)}:${name}\r${ANSI_CLEAR}${progressLine(header)}`;
}

/** GitLab's section end marker for {@link sectionStart}. */
export function sectionEnd(name: string, now: Date = new Date()): string {
  return `section_end:${Math.floor(now.getTime() / 1000)}:${name}\r${ANSI_CLEAR}`;
}
