import { Marked } from 'marked';

/**
 * Markdown of release notes to HTML that is safe by construction, before any sanitiser runs:
 * raw HTML in the source is shown as text (never interpreted), links keep only `http:`, `https:`
 * and `mailto:` targets (and `#anchors`), images only `http:` and `https:` sources, and links
 * leaving the page open in a new tab with `rel="noopener noreferrer"`. The component rendering it
 * still passes it through DOMPurify, so a bug here is not enough to run script.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** The URL if it is absolute with one of `protocols`; null for anything else (`javascript:`, relative). */
function absoluteUrl(href: string, protocols: readonly string[]): string | null {
  try {
    const url = new URL(href);
    return protocols.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const titleAttribute = (title: string | null | undefined) => (title ? ` title="${escapeHtml(title)}"` : '');

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text)}</p>\n` : escapeHtml(text);
    },
    link({ href, title, tokens }) {
      const content = this.parser.parseInline(tokens);
      if (href.startsWith('#')) return `<a href="${escapeHtml(href)}"${titleAttribute(title)}>${content}</a>`;
      const url = absoluteUrl(href, ['http:', 'https:', 'mailto:']);
      if (url === null) return content;
      const opens = url.startsWith('mailto:') ? '' : ' target="_blank" rel="noopener noreferrer"';
      return `<a href="${escapeHtml(url)}"${titleAttribute(title)}${opens}>${content}</a>`;
    },
    image({ href, title, text }) {
      const url = absoluteUrl(href, ['http:', 'https:']);
      if (url === null) return escapeHtml(text);
      return `<img src="${escapeHtml(url)}" alt="${escapeHtml(text)}"${titleAttribute(title)} loading="lazy" referrerpolicy="no-referrer">`;
    },
  },
});

/** Renders Markdown (GitHub-flavoured) to HTML under the rules above. */
export function markdownToHtml(source: string): string {
  return markdown.parse(source, { async: false });
}
