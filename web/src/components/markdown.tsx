import DOMPurify from 'dompurify';
import { useMemo } from 'react';
import { markdownToHtml } from '../lib/markdown.ts';
import '../markdown.css';

/**
 * What survives sanitising: DOMPurify's defaults (no script, no event handlers, no `javascript:`
 * URLs) plus the attributes `markdownToHtml` puts on links and images.
 */
const SANITIZE = { ADD_ATTR: ['target', 'loading', 'referrerpolicy'] };

/**
 * Markdown rendered safely: `markdownToHtml` never lets raw HTML or script URLs through, and its
 * output is sanitised again with DOMPurify before it reaches the page.
 */
export function Markdown({ source, label }: { source: string; label?: string }) {
  const html = useMemo(() => DOMPurify.sanitize(markdownToHtml(source), SANITIZE), [source]);
  return (
    <div
      className="markdown"
      {...(label && { 'aria-label': label, role: 'region' })}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: built from escaped Markdown, then sanitised by DOMPurify
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
