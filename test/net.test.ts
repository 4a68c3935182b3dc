import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import zlib from 'node:zlib';
import { ConfigError, loadConfig } from '../src/config.ts';
import { checkAddress, parseAllowedHosts, STRICT_POLICY, type AddressPolicy } from '../src/net/address-policy.ts';
import {
  fetchSafely,
  parseRetryAfter,
  USER_AGENT,
  type FetchFailure,
  type FetchOptions,
  type FetchResult,
  type Resolver,
} from '../src/net/safe-fetch.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Site {
  base: string;
  port: number;
  /** Every request the site received: path and headers. */
  requests: { url: string; headers: IncomingHttpHeaders }[];
}

/** A stand-in website on a loopback address, closed (with any hanging responses) when the test ends. */
async function serve(t: TestContext, handler: Handler, host = '127.0.0.1'): Promise<Site> {
  const requests: Site['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return { base: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, requests };
}

const allow = (entries: string): AddressPolicy => {
  const { policy, invalid } = parseAllowedHosts(entries);
  assert.deepEqual(invalid, []);
  return policy;
};
const LOCAL = allow('127.0.0.1');

function options(policy: AddressPolicy, extra: Partial<FetchOptions> = {}): FetchOptions {
  return { policy, timeoutMs: 5000, maxBytes: 1024 * 1024, ...extra };
}

function failureOf(result: FetchResult): FetchFailure {
  if (result.ok) assert.fail(`expected a failure, got ${result.status} from ${result.url}`);
  return result;
}

const page = (res: ServerResponse, html = '<html><head><title>Story</title></head><body><p>Text.</p></body></html>') =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);

/** A resolver that must never be asked: literals are checked without DNS. */
const noDns: Resolver = async (hostname) => assert.fail(`DNS was asked for ${hostname}`);

// ---------------------------------------------------------------- what may be reached

test('loopback is refused by default, before connecting; an allowed address or range reaches it', async (t) => {
  const site = await serve(t, (_req, res) => page(res));
  const refused = failureOf(await fetchSafely(`${site.base}/admin`, options(STRICT_POLICY)));
  assert.equal(refused.kind, 'blocked');
  assert.equal(
    refused.message,
    `${site.base}/admin leads to this machine (a loopback address), which the bot does not fetch. ` +
      'If it is your newsroom’s own server, an operator can allow it with FETCH_ALLOWED_HOSTS.',
  );
  assert.equal(site.requests.length, 0, 'nothing was sent to the refused address');

  for (const entries of ['127.0.0.1', '127.0.0.0/8', '10.20.0.0/16, 127.0.0.1/32', '::ffff:127.0.0.1']) {
    const result = await fetchSafely(`${site.base}/story`, options(allow(entries)));
    assert.ok(result.ok, `FETCH_ALLOWED_HOSTS=${entries} reaches the server`);
    assert.equal(result.status, 200);
    assert.match(result.body.toString(), /<title>Story<\/title>/);
  }
  // Another range does not.
  assert.equal(failureOf(await fetchSafely(`${site.base}/story`, options(allow('10.0.0.0/8')))).kind, 'blocked');
});

test('IPv6 loopback [::1] is refused by default and reached when allowed', async (t) => {
  let site: Site;
  try {
    site = await serve(t, (_req, res) => page(res), '::1');
  } catch (error) {
    t.skip(`no IPv6 loopback here: ${String(error)}`);
    return;
  }
  const address = `http://[::1]:${site.port}/story`;
  const refused = failureOf(await fetchSafely(address, options(STRICT_POLICY, { resolve: noDns })));
  assert.equal(refused.kind, 'blocked');
  assert.equal(site.requests.length, 0);
  const allowed = await fetchSafely(address, options(allow('::1'), { resolve: noDns }));
  assert.ok(allowed.ok);
  assert.equal(allowed.status, 200);
});

test('a host name resolving to loopback is refused: localhost, and any name the resolver maps there', async (t) => {
  const site = await serve(t, (_req, res) => page(res));
  const viaLocalhost = failureOf(await fetchSafely(`http://localhost:${site.port}/`, options(STRICT_POLICY)));
  assert.equal(viaLocalhost.kind, 'blocked');
  assert.match(viaLocalhost.message, /^http:\/\/localhost:\d+\/ leads to this machine/);

  const resolve: Resolver = async (hostname) => (hostname === 'news.example' ? ['93.184.216.34', '127.0.0.1'] : []);
  const mixed = failureOf(await fetchSafely(`http://news.example:${site.port}/`, options(STRICT_POLICY, { resolve })));
  assert.equal(mixed.kind, 'blocked', 'one private address among public ones is enough to refuse');
  assert.equal(site.requests.length, 0);
});

test('the connection goes to the address that was checked: one lookup, no second resolution', async (t) => {
  const site = await serve(t, (_req, res) => page(res));
  // A rebinding name: the first answer is allowed, any later one points at cloud metadata.
  const answers = [['127.0.0.1'], ['169.254.169.254']];
  let lookups = 0;
  const resolve: Resolver = async () => answers[Math.min(lookups++, 1)] ?? [];
  const result = await fetchSafely(`http://rebind.example:${site.port}/story`, options(allow('127.0.0.0/8'), { resolve }));
  assert.ok(result.ok, 'rebind.example exists only in our resolver, so reaching the site proves the pinned address was used');
  assert.equal(lookups, 1);
  assert.equal(site.requests[0]?.headers.host, `rebind.example:${site.port}`);
});

test('an allowed host name is fetched whatever it resolves to; other names are still checked', async (t) => {
  const site = await serve(t, (_req, res) => page(res));
  const resolve: Resolver = async () => ['127.0.0.1'];
  const policy = allow('CMS.Internal.');
  const allowed = await fetchSafely(`http://cms.internal:${site.port}/story`, options(policy, { resolve }));
  assert.ok(allowed.ok);
  const other = failureOf(await fetchSafely(`http://wiki.internal:${site.port}/story`, options(policy, { resolve })));
  assert.equal(other.kind, 'blocked');
});

test('special-purpose addresses a name can resolve to are all refused; global unicast passes the check', async () => {
  const refused: Record<string, string> = {
    '127.0.0.1': 'loopback',
    '127.255.255.254': 'loopback',
    '10.1.2.3': 'private',
    '172.16.5.4': 'private',
    '192.168.1.1': 'private',
    '169.254.169.254': 'linkLocal',
    '100.64.0.1': 'carrierGradeNat',
    '0.0.0.0': 'unspecified',
    '255.255.255.255': 'broadcast',
    '224.0.0.251': 'multicast',
    '240.0.0.1': 'reserved',
    '192.0.2.10': 'reserved',
    '::1': 'loopback',
    '::': 'unspecified',
    'fc00::1': 'uniqueLocal',
    'fd12:3456::1': 'uniqueLocal',
    'fe80::1': 'linkLocal',
    'ff02::1': 'multicast',
    '::ffff:127.0.0.1': 'loopback',
    '::ffff:10.0.0.1': 'private',
    '::ffff:169.254.169.254': 'linkLocal',
    '64:ff9b::7f00:1': 'reserved', // NAT64 form of 127.0.0.1
    '64:ff9b:1::a00:1': 'reserved', // local-use NAT64
    '::7f00:1': 'reserved', // IPv4-compatible form of 127.0.0.1
    '2002:7f00:1::': 'reserved', // 6to4
    '2001:db8::1': 'reserved',
  };
  for (const [address, range] of Object.entries(refused)) {
    assert.deepEqual(checkAddress(address, STRICT_POLICY), { allowed: false, range }, address);
    const result = failureOf(await fetchSafely('http://story.example/', options(STRICT_POLICY, { resolve: async () => [address] })));
    assert.equal(result.kind, 'blocked', address);
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) {
    assert.deepEqual(checkAddress(address, STRICT_POLICY), { allowed: true }, address);
  }
});

test('decimal, octal, hex and IPv6 literal forms of internal addresses are refused without DNS', async () => {
  const literals: Record<string, string> = {
    'http://2130706433/': 'http://127.0.0.1/',
    'http://0177.0.0.1/': 'http://127.0.0.1/',
    'http://0x7f.0.0.1/': 'http://127.0.0.1/',
    'http://127.1/': 'http://127.0.0.1/',
    'http://0/': 'http://0.0.0.0/',
    'http://[::1]/': 'http://[::1]/',
    'http://[::ffff:127.0.0.1]/': 'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/': 'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::7f00:1]/': 'http://[64:ff9b::7f00:1]/',
    'http://[fd00::1]/': 'http://[fd00::1]/',
    'http://169.254.169.254/latest/meta-data/': 'http://169.254.169.254/latest/meta-data/',
    'http://0xa9fea9fe/': 'http://169.254.169.254/',
    'http://3232235777/': 'http://192.168.1.1/',
  };
  for (const [literal, normalised] of Object.entries(literals)) {
    const result = failureOf(await fetchSafely(literal, options(STRICT_POLICY, { resolve: noDns })));
    assert.equal(result.kind, 'blocked', literal);
    assert.ok(result.message.startsWith(`${normalised} leads to `), `${literal}: ${result.message}`);
  }
});

test('only http(s) without credentials: other schemes and user:pass addresses are refused', async (t) => {
  const site = await serve(t, (_req, res) => page(res));
  const withPassword = failureOf(await fetchSafely(`http://editor:hunter2@127.0.0.1:${site.port}/`, options(LOCAL)));
  assert.equal(withPassword.kind, 'bad_url');
  assert.equal(
    withPassword.message,
    `The address ${site.base}/ includes a user name or password, which the bot never sends. Give the address without them.`,
  );
  assert.doesNotMatch(withPassword.message, /hunter2|editor/);
  for (const address of ['ftp://files.example/story.html', 'file:///etc/passwd', 'gopher://127.0.0.1/', 'not a url']) {
    const result = failureOf(await fetchSafely(address, options(LOCAL)));
    assert.equal(result.kind, 'bad_url');
    assert.equal(result.message, `"${address}" is not an http(s) address`);
  }
  assert.equal(site.requests.length, 0);
});

// ---------------------------------------------------------------- redirects

test('a redirect from an allowed server to a refused address is refused after the redirect', async (t) => {
  const secret = await serve(t, (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>admin</title>password=hunter2'),
  );
  let front: Site;
  try {
    // Linux routes all of 127/8 to loopback: 127.0.0.2 stands for an allowed internal CMS.
    front = await serve(t, (req, res) => res.writeHead(302, { location: `${secret.base}/admin` }).end(), '127.0.0.2');
  } catch (error) {
    t.skip(`cannot listen on 127.0.0.2 here: ${String(error)}`);
    return;
  }
  const result = failureOf(await fetchSafely(`${front.base}/story`, options(allow('127.0.0.2'))));
  assert.equal(result.kind, 'blocked');
  assert.equal(
    result.message,
    `${front.base}/story (redirected to ${secret.base}/admin) leads to this machine (a loopback address), which the bot does not fetch. ` +
      'If it is your newsroom’s own server, an operator can allow it with FETCH_ALLOWED_HOSTS.',
  );
  assert.equal(front.requests.length, 1);
  assert.equal(secret.requests.length, 0, 'the refused address was never contacted');
});

test('redirects are followed with each hop checked; scheme changes and credentials in a Location are refused', async (t) => {
  const site = await serve(t, (req, res) => {
    if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
    else if (req.url === '/new') res.writeHead(308, { location: '/final#top' }).end();
    else if (req.url === '/final') page(res);
    else if (req.url === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else if (req.url === '/to-creds')
      res.writeHead(302, { location: `http://u:p@127.0.0.1:${(req.socket.localPort ?? 0).toString()}/final` }).end();
    else res.writeHead(404).end();
  });
  const followed = await fetchSafely(`${site.base}/old`, options(LOCAL));
  assert.ok(followed.ok);
  assert.equal(followed.url, `${site.base}/final#top`);
  const toFile = failureOf(await fetchSafely(`${site.base}/to-file`, options(LOCAL)));
  assert.equal(toFile.kind, 'bad_url');
  assert.equal(toFile.message, `${site.base}/to-file redirected to "file:///etc/passwd", which is not an http(s) address`);
  const toCreds = failureOf(await fetchSafely(`${site.base}/to-creds`, options(LOCAL)));
  assert.equal(toCreds.kind, 'bad_url');
  assert.doesNotMatch(toCreds.message, /u:p@/);
});

test('a redirect loop and a chain of too many redirects each get their own message', async (t) => {
  const site = await serve(t, (req, res) => {
    const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '');
    if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
    else if (req.url === '/b') res.writeHead(302, { location: '/a' }).end();
    else if (hop) res.writeHead(302, { location: `/hop/${Number(hop[1]) + 1}` }).end();
    else res.writeHead(404).end();
  });
  const loop = failureOf(await fetchSafely(`${site.base}/a`, options(LOCAL)));
  assert.equal(loop.kind, 'redirect_loop');
  assert.equal(
    loop.message,
    `${site.base}/a redirects in a loop, back to an address it already sent the bot to; check the address in a browser`,
  );

  const before = site.requests.length;
  const chain = failureOf(await fetchSafely(`${site.base}/hop/0`, options(LOCAL)));
  assert.equal(chain.kind, 'too_many_redirects');
  assert.equal(chain.message, `${site.base}/hop/0 redirected more than 5 times; give the final address of the page`);
  assert.equal(site.requests.length - before, 6, 'the first request and five redirects, no more');
});

// ---------------------------------------------------------------- size, time, type

const CAP = 1024 * 1024;

/** Writes gzip-compressed zeros until the client goes away: a response that never ends and expands ~1000×. */
function endlessGzip(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
  const gzip = zlib.createGzip();
  gzip.pipe(res);
  const zeros = Buffer.alloc(64 * 1024);
  const pump = () => {
    while (!res.destroyed && gzip.write(zeros));
    if (!res.destroyed) gzip.once('drain', pump);
  };
  res.on('close', () => gzip.destroy());
  pump();
}

test('compressed bodies are capped on their decoded size: an endless gzip stream and gzip/deflate/br bombs stop at the cap', async (t) => {
  const bomb = Buffer.alloc(64 * 1024 * 1024);
  const encoded = { gzip: zlib.gzipSync(bomb), deflate: zlib.deflateSync(bomb), br: zlib.brotliCompressSync(bomb) };
  const site = await serve(t, (req, res) => {
    if (req.url === '/endless') return endlessGzip(res);
    const coding = (req.url ?? '').slice(1) as keyof typeof encoded;
    const body = encoded[coding];
    res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': coding, 'content-length': String(body.length) }).end(body);
  });
  const opts = options(LOCAL, { maxBytes: CAP, timeoutMs: 20_000 });
  const endless = failureOf(await fetchSafely(`${site.base}/endless`, opts));
  assert.equal(endless.kind, 'too_large', 'stopped by the cap, not by the timeout');
  assert.equal(endless.message, `${site.base}/endless is larger than the 1 MB limit`);
  for (const coding of ['gzip', 'deflate', 'br'] as const) {
    assert.ok(encoded[coding].length < CAP, `the ${coding} body itself is small (${encoded[coding].length} bytes)`);
    const result = failureOf(await fetchSafely(`${site.base}/${coding}`, opts));
    assert.equal(result.kind, 'too_large', coding);
  }
});

test('a declared Content-Length over the cap is refused at once; a body without one is stopped as it grows past it', async (t) => {
  const site = await serve(t, (req, res) => {
    if (req.url === '/declared') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(100 * 1024 * 1024) });
      res.write('<html>'); // and nothing more: the answer must not wait for the body
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }); // chunked, no length
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    }
  });
  const opts = options(LOCAL, { maxBytes: CAP, timeoutMs: 20_000 });
  const declared = failureOf(await fetchSafely(`${site.base}/declared`, opts));
  assert.equal(declared.kind, 'too_large');
  assert.equal(declared.message, `${site.base}/declared is 100.0 MB, larger than the 1 MB limit`);
  const growing = failureOf(await fetchSafely(`${site.base}/growing`, opts));
  assert.equal(growing.kind, 'too_large');
  assert.equal(growing.message, `${site.base}/growing is larger than the 1 MB limit`);
});

test('the timeout covers the whole request: no answer, a stalled body, a trickle that never ends', async (t) => {
  const site = await serve(t, (req, res) => {
    if (req.url === '/silent') return; // never answers
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<html><body>');
    if (req.url === '/trickle') {
      const timer = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(timer));
    }
  });
  for (const where of ['/silent', '/stalled', '/trickle']) {
    const result = failureOf(await fetchSafely(`${site.base}${where}`, options(LOCAL, { timeoutMs: 300 })));
    assert.equal(result.kind, 'timeout', where);
    assert.equal(result.message, `${site.base}${where} did not answer within 0.3 seconds`);
  }
});

test('a content-type check when the caller asks for one; every request says who it is', async (t) => {
  const site = await serve(t, (req, res) => {
    if (req.url === '/report.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7');
    else if (req.url === '/untyped') res.writeHead(200).end('<p>no type</p>');
    else page(res);
  });
  const html = { mediaTypes: ['text/html'], description: 'an HTML page' };
  const pdf = failureOf(await fetchSafely(`${site.base}/report.pdf`, options(LOCAL, { accept: html })));
  assert.equal(pdf.kind, 'bad_content_type');
  assert.equal(pdf.message, `${site.base}/report.pdf is application/pdf, not an HTML page`);
  assert.ok((await fetchSafely(`${site.base}/report.pdf`, options(LOCAL))).ok, 'no check unless asked');
  assert.ok((await fetchSafely(`${site.base}/untyped`, options(LOCAL, { accept: html }))).ok, 'a missing type is not a wrong one');
  assert.ok((await fetchSafely(`${site.base}/page`, options(LOCAL, { accept: html }))).ok);
  assert.match(USER_AGENT, /^newsroom-bot\/\d+\.\d+\.\d+/);
  assert.ok(site.requests.every((r) => r.headers['user-agent'] === USER_AGENT));
});

// ---------------------------------------------------------------- what feed polling needs

test('conditional requests: caller headers are sent, a 304 comes back as a usable result with the validators', async (t) => {
  const lastModified = 'Wed, 01 Apr 2026 08:00:00 GMT';
  const site = await serve(t, (req, res) => {
    const fresh = req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === lastModified;
    if (fresh) res.writeHead(304, { etag: '"v1"' }).end();
    else res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"', 'last-modified': lastModified }).end('<rss/>');
  });
  const first = await fetchSafely(`${site.base}/feed.xml`, options(LOCAL));
  assert.ok(first.ok);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('etag'), '"v1"');
  assert.equal(first.headers.get('last-modified'), lastModified);

  for (const headers of [{ 'if-none-match': '"v1"' }, { 'if-modified-since': lastModified }]) {
    const again = await fetchSafely(`${site.base}/feed.xml`, options(LOCAL, { headers }));
    assert.ok(again.ok, 'a 304 is a success the caller can act on');
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.get('etag'), '"v1"');
  }
});

test('non-2xx statuses are reported with their status and Retry-After', async (t) => {
  const site = await serve(t, (req, res) => {
    if (req.url === '/busy') res.writeHead(429, 'Too Many Requests', { 'retry-after': '120' }).end();
    else if (req.url === '/down') res.writeHead(503, 'Service Unavailable', { 'retry-after': '30' }).end();
    else res.writeHead(404, 'Not Found').end();
  });
  const busy = failureOf(await fetchSafely(`${site.base}/busy`, options(LOCAL)));
  assert.equal(busy.kind, 'http_status');
  assert.equal(busy.status, 429);
  assert.equal(busy.retryAfterSeconds, 120);
  assert.equal(
    busy.message,
    `${site.base}/busy answered 429 Too Many Requests instead of a page; it asks to wait 2 minutes before trying again`,
  );
  const down = failureOf(await fetchSafely(`${site.base}/down`, options(LOCAL)));
  assert.equal(down.status, 503);
  assert.equal(down.retryAfterSeconds, 30);
  assert.match(down.message, /wait 30 s before trying again$/);
  const missing = failureOf(await fetchSafely(`${site.base}/gone`, options(LOCAL)));
  assert.deepEqual(
    [missing.kind, missing.status, missing.retryAfterSeconds, missing.message],
    ['http_status', 404, undefined, `${site.base}/gone was not found (404)`],
  );

  const now = Date.parse('2026-04-01T08:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 Apr 2026 08:01:30 GMT', now), 90);
  assert.equal(parseRetryAfter('Wed, 01 Apr 2026 07:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
});

test('a caller can cancel a fetch (shutdown); an unknown host or a closed port says so', async (t) => {
  const site = await serve(t, () => {});
  const controller = new AbortController();
  const pending = fetchSafely(`${site.base}/slow`, options(LOCAL, { signal: controller.signal }));
  setTimeout(() => controller.abort(), 50);
  assert.equal(failureOf(await pending).kind, 'aborted');

  // No DNS beyond this machine in tests: the resolver answers as getaddrinfo does for an unknown name.
  const notFound: Resolver = async (hostname) => {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
  const unknown = failureOf(await fetchSafely('http://no-such-host.example/', options(STRICT_POLICY, { resolve: notFound })));
  assert.equal(unknown.kind, 'unreachable');
  assert.equal(unknown.message, 'http://no-such-host.example/ could not be reached (ENOTFOUND)');

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = failureOf(await fetchSafely(`http://127.0.0.1:${port}/`, options(LOCAL)));
  assert.deepEqual([refused.kind, refused.message], ['unreachable', `http://127.0.0.1:${port}/ could not be reached (ECONNREFUSED)`]);
});

// ---------------------------------------------------------------- configuration

test('FETCH_ALLOWED_HOSTS: host names, addresses and CIDR ranges; invalid entries are a config error naming each', () => {
  const config = loadConfig({ FETCH_ALLOWED_HOSTS: 'cms.internal, 10.20.0.0/16,127.0.0.1, [::1], fd00::/8, Intranet.Example.' }, ROOT);
  assert.deepEqual(config.fetch.policy, {
    allowedHosts: ['cms.internal', 'intranet.example'],
    allowedRanges: ['10.20.0.0/16', '127.0.0.1/32', '::1/128', 'fd00::/8'],
  });
  assert.deepEqual(loadConfig({}, ROOT).fetch.policy, STRICT_POLICY);

  let error: unknown;
  try {
    loadConfig(
      { FETCH_ALLOWED_HOSTS: 'cms.internal, 10.0.0.0/33, http://wiki, 300.1.1.1, intra net, *.example.com', CHUNK_TOKENS: 'x' },
      ROOT,
    );
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ConfigError);
  const problem = error.problems.find((p) => p.startsWith('FETCH_ALLOWED_HOSTS'));
  assert.equal(
    problem,
    'FETCH_ALLOWED_HOSTS must list host names, IP addresses or CIDR ranges separated by commas; not understood: ' +
      '"10.0.0.0/33", "http://wiki", "300.1.1.1", "intra net", "*.example.com"',
  );
  assert.ok(
    error.problems.some((p) => p.startsWith('CHUNK_TOKENS')),
    'reported together with the other problems',
  );
});

// ---------------------------------------------------------------- end to end

/** A `newsroom` command run in this process (the stand-in site answers from here too). */
function newsroom(args: string[], env: Record<string, string>) {
  return newsroomInProcess(args, { ...TINY_MODEL_ENV, ...env });
}

test('newsroom ingest <url>: a loopback page is refused without FETCH_ALLOWED_HOSTS and stores nothing; allowed, it is ingested', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-net-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const site = await serve(t, (_req, res) =>
    page(
      res,
      '<html><head><title>Ferry timetable changes</title></head><body><article><p>The harbor ferry will run every twenty minutes from May.</p></article></body></html>',
    ),
  );
  const address = `${site.base}/page`;
  const articles = async () => {
    const listed = await newsroom(['articles', '--json'], { DATA_DIR: dataDir });
    return (JSON.parse(listed.stdout) as { articles: { title: string; url: string }[] }).articles;
  };

  const refused = await newsroom(['ingest', address], { DATA_DIR: dataDir });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    new RegExp(`✗ ${address} leads to this machine \\(a loopback address\\), which the bot does not fetch\\..*FETCH_ALLOWED_HOSTS`),
  );
  assert.match(refused.stdout, /^added 0 · updated 0 · unchanged 0 · removed 0 · failed 1 /);
  assert.equal(site.requests.length, 0);
  assert.deepEqual(await articles(), []);

  const allowed = await newsroom(['ingest', address], { DATA_DIR: dataDir, FETCH_ALLOWED_HOSTS: '127.0.0.1' });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /^added 1 · /);
  assert.deepEqual(
    (await articles()).map((a) => [a.title, a.url]),
    [['Ferry timetable changes', address]],
  );
});
