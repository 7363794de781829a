// A static server for dist/ under /lab/ (any sub-path must work), on 127.0.0.1 and a free
// port. Only GET of files inside dist/; everything else is 404.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json' };

export async function serve(prefix = '/lab/') {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404).end(); return; }
    let file = normalize(join(DIST, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(DIST)) { res.writeHead(404).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' }).end(body);
    } catch { res.writeHead(404).end(); }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  // halt: the site goes away at once, open connections too (a network that is cut).
  const halt = () => { const done = new Promise((ok) => server.close(ok)); server.closeAllConnections(); return done; };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)), halt };
}
