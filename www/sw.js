// Raft Lab's service worker: after one visit the lab works with no network (classrooms
// with bad Wi-Fi), and a new deploy is still picked up whenever the network answers.
//
// Contract:
// - Every URL is relative to this file: the site is served from any sub-path, and the
//   worker's scope is its own directory, never the page that embeds the lab.
// - The page (navigations) and lesson files: network first, the cached copy when the
//   network fails or is slower than NETWORK_WAIT_MS. So a deploy or an edited lesson shows
//   at once online, and a cut network costs a short wait, not a hang.
// - trunk's wasm, js and css, named by their content hash (so a name never changes
//   meaning): cache first. Their names are not known before the build: the install reads
//   them from the page, and any other is stored on first use. Every other file of the
//   site (manifest, icons) is network first, like the page.
// - One cache per version and per scope: two labs on one origin (`/lab-a/`, `/lab-b/`)
//   never prune or drop each other's files.
// - Requests to other origins (a course's lesson by URL) are not touched, nor the live
//   bridge's (`live/…`, when `raftlab live` serves the site): an event stream must not be
//   raced against a timer or stored.
// - A new VERSION drops this scope's caches of older ones on activate.

const VERSION = 'raftlab-v1';
const CACHE = `${VERSION}@${self.registration.scope}`;

// Known before the build: the page, the manifest and icons, and the built-in lessons (so a
// lesson opens offline even if it was never opened online). tests/offline_site.rs fails
// when this list and lessons/ disagree.
const SHELL = ['./', './index.html', './manifest.webmanifest', './icon.svg', './icon-192.png', './icon-512.png'];
const LESSONS = [
  'lessons/en/01-cluster-born.md',
  'lessons/en/02-write-journey.md',
  'lessons/en/03-leader-dies.md',
  'lessons/en/04-follower-returns.md',
  'lessons/en/05-split-votes.md',
  'lessons/en/06-cluster-size.md',
  'lessons/en/07-partition.md',
  'lessons/en/08-stale-node.md',
  'lessons/en/09-learners.md',
  'lessons/en/10-replace-member.md',
  'lessons/en/11-mvcc.md',
  'lessons/en/12-watch.md',
  'lessons/en/13-leases.md',
  'lessons/en/14-locks.md',
  'lessons/en/15-snapshots.md',
  'lessons/en/16-quota.md',
  'lessons/en/17-backup-restore.md',
  'lessons/en/18-prevote-checkquorum.md',
  'lessons/en/19-figure-8.md',
  'lessons/en/20-slow-disks.md',
  'lessons/en/21-disaster-recovery.md',
  'lessons/en/22-k8s-resource-version.md',
  'lessons/en/23-k8s-list-watch.md',
  'lessons/en/24-k8s-outages.md',
  'lessons/zh/01-cluster-born.md',
  'lessons/zh/02-write-journey.md',
  'lessons/zh/03-leader-dies.md',
  'lessons/zh/04-follower-returns.md',
  'lessons/zh/05-split-votes.md',
  'lessons/zh/06-cluster-size.md',
  'lessons/zh/07-partition.md',
  'lessons/zh/08-stale-node.md',
  'lessons/zh/09-learners.md',
  'lessons/zh/10-replace-member.md',
  'lessons/zh/11-mvcc.md',
  'lessons/zh/12-watch.md',
  'lessons/zh/13-leases.md',
  'lessons/zh/14-locks.md',
  'lessons/zh/15-snapshots.md',
  'lessons/zh/16-quota.md',
  'lessons/zh/17-backup-restore.md',
  'lessons/zh/18-prevote-checkquorum.md',
  'lessons/zh/19-figure-8.md',
  'lessons/zh/20-slow-disks.md',
  'lessons/zh/21-disaster-recovery.md',
  'lessons/zh/22-k8s-resource-version.md',
  'lessons/zh/23-k8s-list-watch.md',
  'lessons/zh/24-k8s-outages.md',
];

// How long a network-first request waits before the cached copy is used instead.
const NETWORK_WAIT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // The shell must all arrive or the worker is not installed; a lesson that fails is
    // only fetched again later.
    await cache.addAll(SHELL);
    // The page that registers the worker loaded its wasm, js and css before the worker
    // existed: the page names them, so they are stored now, not on the next visit.
    const page = await cache.match('./');
    await cache.addAll(hashedNames(await page.text()).map((n) => './' + n));
    await Promise.all(LESSONS.map((l) => cache.add('./' + l).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const mine = (n) => n.startsWith('raftlab-') && n.endsWith(`@${self.registration.scope}`);
    await Promise.all(names.filter((n) => mine(n) && n !== CACHE).map((n) => caches.delete(n)));
    // The page that registered the worker is served by it from now on, without a reload.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = url.pathname.slice(scope.pathname.length);
  if (path === 'sw.js' || path.startsWith('live/')) return;
  if (path === '' || path === 'index.html') {
    event.respondWith(networkFirst(req, scope.href));
  } else if (HASHED.test(path)) {
    event.respondWith(cacheFirst(req));
  } else {
    event.respondWith(networkFirst(req, null));
  }
});

// Only whole, same-origin answers are kept: an error page or a redirect would be served
// offline as if it were the file.
function storable(resp) {
  return resp.ok && resp.type === 'basic' && !resp.redirected;
}

// The lab's page is stored under the scope URL (`./`), whatever its query (`?embed=1`) or
// name (`./index.html`), so any way into the lab finds it offline.
async function networkFirst(req, pageKey) {
  const cache = await caches.open(CACHE);
  const network = fetch(req).then(async (resp) => {
    if (storable(resp)) await cache.put(pageKey || req, resp.clone());
    if (pageKey && storable(resp)) prune(cache, resp.clone());
    return resp;
  });
  // Answered by the cache after a slow or failed network: the late failure is no error.
  network.catch(() => {});
  const cached = async () =>
    (await cache.match(req, { ignoreSearch: pageKey !== null })) || (pageKey && (await cache.match(pageKey)));
  let timer;
  const late = new Promise((ok) => { timer = setTimeout(ok, NETWORK_WAIT_MS); });
  try {
    const first = await Promise.race([network.then((r) => ({ r }), () => null), late.then(() => null)]);
    if (first && first.r) return first.r;
    const hit = await cached();
    // Nothing cached yet: the network's own answer (or error) is all there is.
    return hit || (await network);
  } finally {
    clearTimeout(timer);
  }
}

// trunk's content-hashed files (`raftlab-0123456789abcdef_bg.wasm`), as the page names them
// (`./raftlab-….js`). The hash is a 64-bit number in hex without its leading zeros, so it
// can be shorter than 16 digits.
const HASHED = /-[0-9a-f]{1,16}(_bg)?\.(wasm|js|css)$/;
function hashedNames(html) {
  const names = [...html.matchAll(/\.\/([\w.-]+-[0-9a-f]{1,16}(?:_bg)?\.(?:wasm|js|css))\b/g)].map((m) => m[1]);
  return [...new Set(names)];
}

// A fresh page names the hashed files in use; older ones are deleted, so a deploy does not
// leave 2 MB behind each time.
async function prune(cache, page) {
  const html = await page.text();
  for (const req of await cache.keys()) {
    const name = new URL(req.url).pathname.split('/').pop();
    if (HASHED.test(name) && !html.includes(name)) await cache.delete(req);
  }
}

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const resp = await fetch(req);
  if (storable(resp)) await cache.put(req, resp.clone());
  return resp;
}
