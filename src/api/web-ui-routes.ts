import { join, resolve } from 'node:path';
import type { FastifyReply } from 'fastify';
import { GantryError } from '../domain/errors.ts';
import { sendError } from './error-response.ts';
import type { GantryApp } from './gantry-app.ts';
import { contentTypeOf, fileIn, type OpenFile, openRegularFile, staticPathSegments } from './static-files.ts';

/** Vite's folder of content-hashed files: a name there never changes content, so it is cached for good. */
const ASSETS_DIR = 'assets';
const INDEX_FILE = 'index.html';
/** The command that builds the UI, named on the page shown while it is not built. */
export const BUILD_COMMAND = 'bash scripts/setup.sh';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// Browsers revalidate index.html on every navigation, so a new build (new asset names) shows at once.
const REVALIDATE = 'no-cache';

/**
 * Headers of every HTML answer. Scripts, styles and connections (fetch, EventSource, WebSocket) come
 * from this origin only; no inline script or `<style>` runs, which React does not need (its `style`
 * props go through the CSSOM, which CSP leaves alone). `data:` images and fonts are what Vite inlines.
 */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Gantry: web UI not built</title></head>
<body>
<h1>The Gantry web UI is not built</h1>
<p>Build it with <code>${BUILD_COMMAND}</code> in the Gantry directory, then reload this page.
The API at <code>/api/v1</code> works without it.</p>
</body>
</html>
`;

/**
 * Serves the built web UI from `webDir` as the server's fallback for every GET and HEAD that no other
 * route answers (git smart HTTP hands on what is not a git request): files under `/assets/` cached
 * for a year, other files of the build revalidated, and `index.html` for any other path so that deep
 * links (`/projects/3/pipelines/7`) reach the single-page app. `/api/…` and other methods keep the
 * JSON 404. Without `webDir/index.html` the UI's paths answer 503 naming {@link BUILD_COMMAND}.
 */
export function webUiRoutes(app: GantryApp, webDir: string): void {
  const root = resolve(webDir);
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    if ((request.method !== 'GET' && request.method !== 'HEAD') || /^\/api(\/|$)/.test(path)) {
      return sendError(reply, new GantryError('not_found', `no route for ${request.method} ${path}`));
    }
    const segments = staticPathSegments(path);
    if (segments === null) {
      return sendError(
        reply,
        new GantryError(
          'bad_request',
          'the path must be correctly percent-encoded, without "." or ".." segments',
        ),
      );
    }
    const filePath = fileIn(root, segments);
    const file = filePath === undefined ? undefined : await openRegularFile(filePath, root);
    if (file !== undefined) {
      return sendFile(reply, file, segments.at(-1) ?? '', segments[0] === ASSETS_DIR);
    }
    // A missing hashed file is an old page asking for a replaced build: HTML in its place would fail
    // as a script anyway, and must not be cached as one.
    if (segments[0] === ASSETS_DIR) {
      return sendError(reply, new GantryError('not_found', `no file ${path} in the web UI build`));
    }
    const index = await openRegularFile(join(root, INDEX_FILE), root);
    if (index === undefined) {
      return reply
        .status(503)
        .headers({ ...HTML_SECURITY_HEADERS, 'cache-control': 'no-store' })
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE);
    }
    return sendFile(reply, index, INDEX_FILE, false);
  });
}

/** Streams an open file, closing it when done (Fastify drains the stream for HEAD). */
function sendFile(reply: FastifyReply, file: OpenFile, name: string, immutable: boolean): FastifyReply {
  const contentType = contentTypeOf(name);
  reply.headers({
    ...(contentType.startsWith('text/html')
      ? HTML_SECURITY_HEADERS
      : { 'x-content-type-options': 'nosniff' }),
    'cache-control': immutable ? IMMUTABLE : REVALIDATE,
    'content-type': contentType,
    'content-length': String(file.stats.size),
  });
  // The stream closes the handle when it ends or when the client goes away.
  return reply.send(file.handle.createReadStream());
}
