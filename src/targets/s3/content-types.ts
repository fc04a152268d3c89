import { extname } from 'node:path/posix';

/** What a static site usually holds; anything else is `application/octet-stream` unless overridden. */
const BUILT_IN: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
};

const FALLBACK = 'application/octet-stream';

/**
 * The `Content-Type` of a site file, from its extension (case-insensitive). `overrides` maps extensions
 * (with or without the dot: `'.md'` or `'md'`) to types and wins over the built-in table.
 */
export function contentTypeFor(path: string, overrides: Readonly<Record<string, string>> = {}): string {
  const extension = extname(path).toLowerCase();
  if (extension === '') return FALLBACK;
  for (const [key, type] of Object.entries(overrides)) {
    const normalized = (key.startsWith('.') ? key : `.${key}`).toLowerCase();
    if (normalized === extension) return type;
  }
  return BUILT_IN[extension] ?? FALLBACK;
}
