import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { modelHub } from '../src/embeddings/hub.ts';
import { listModels, modelFolder } from '../src/embeddings/model-files.ts';
import { listModelSpecs } from '../src/embeddings/models.ts';
import { ModelPullError, pullModel } from '../src/embeddings/pull.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { EmbedderUnavailableError } from '../src/embeddings/errors.ts';
import { startModelHub } from './fakes/model-hub.ts';
import { ROOT } from './support/app.ts';
import { startChild } from './support/child.ts';
import { newsroomInProcess } from './support/in-process.ts';
import { closedPortUrl } from './support/network.ts';

const FIXTURE_MODELS = path.join(ROOT, 'test/fixtures/models');
const TINY = 'newsroom/tiny-bert';
// The weights EMBEDDING_DTYPE's default (q8) loads.
const WEIGHTS = 'onnx/model_quantized.onnx';
const TINY_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', WEIGHTS];
const dirs: string[] = [];
after(async () => {
  await unloadEmbedders();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-models-'));
  dirs.push(dir);
  return dir;
}

/** Folders a download left in a models folder (`.pull-*`). */
function leftovers(root: string): string[] {
  return fs.existsSync(root) ? fs.readdirSync(root).filter((name) => name.startsWith('.pull-')) : [];
}

function tinyListing(root: string) {
  return listModels({ modelsDir: null, cacheDir: root, dtype: 'q8', configured: TINY }).find((m) => m.id === TINY);
}

test('models pull downloads the configured model from the hub into the cache, and later runs load it from there with no network', async () => {
  const hub = await startModelHub({ root: FIXTURE_MODELS });
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, EMBEDDING_MODEL: TINY, HF_ENDPOINT: hub.url, ARTICLES_DIR: '' };
  try {
    const pulled = await newsroomInProcess(['models', 'pull', '--json'], env);
    assert.equal(pulled.code, 0, pulled.stderr);
    const result = JSON.parse(pulled.stdout) as { model: string; path: string; bytes: number; downloaded: boolean };
    const folder = path.join(dataDir, 'models', 'newsroom', 'tiny-bert');
    assert.equal(result.model, TINY);
    assert.equal(result.path, folder);
    assert.equal(result.downloaded, true);
    for (const file of TINY_FILES) {
      assert.deepEqual(fs.readFileSync(path.join(folder, file)), fs.readFileSync(path.join(FIXTURE_MODELS, TINY, file)), file);
    }
    assert.ok(
      hub.requests.some((r) => r.endsWith(`/resolve/main/${WEIGHTS}`)),
      'the weights came from the stand-in hub',
    );
    assert.deepEqual(leftovers(path.join(dataDir, 'models')), []);
    // Not a terminal: a closing line on stderr, no bar.
    assert.match(pulled.stderr, /^downloading: [\d.]+ MB in \d+\.\d s$/m);

    const listed = await newsroomInProcess(['models', 'list', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout) as {
      cacheDir: string;
      models: { id: string; present: boolean; bytes: number; configured: boolean; location: string }[];
    };
    assert.deepEqual(
      list.models.map((m) => m.id),
      listModelSpecs().map((m) => m.id),
    );
    const tiny = list.models.find((m) => m.id === TINY);
    assert.deepEqual(
      { ...tiny, bytes: tiny?.bytes === result.bytes },
      { ...tiny, present: true, configured: true, location: 'cache', bytes: true },
    );
    assert.ok(list.models.filter((m) => m.id !== TINY).every((m) => !m.present));

    await hub.close();
    const requestsBefore = hub.requests.length;
    const search = await newsroomInProcess(['search', 'bridge', '--json'], { ...env, HF_ENDPOINT: await closedPortUrl() });
    assert.equal(search.code, 0, search.stderr);
    assert.equal((JSON.parse(search.stdout) as { mode: string }).mode, 'hybrid');
    assert.equal(hub.requests.length, requestsBefore);

    const again = await pullModel({ modelId: TINY, root: path.join(dataDir, 'models'), dtype: 'q8', hub: modelHub({ url: hub.url }) });
    assert.equal(again.downloaded, false);
  } finally {
    await hub.close();
  }
});

test('models pull of an unknown id lists the known ones and creates nothing', async () => {
  const dataDir = tempDir();
  const result = await newsroomInProcess(['models', 'pull', 'acme/not-a-model'], { DATA_DIR: dataDir, HF_ENDPOINT: await closedPortUrl() });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Unknown embedding model "acme\/not-a-model"/);
  for (const spec of listModelSpecs()) assert.ok(result.stderr.includes(spec.id), spec.id);
  assert.deepEqual(fs.readdirSync(dataDir), []);
});

test('a hub that goes away mid-file leaves nothing to load: no model folder, no leftovers, and loading still fails', async () => {
  const hub = await startModelHub({ root: FIXTURE_MODELS, onFile: (file) => (file === 'onnx/model.onnx' ? 'die' : 'send') });
  const root = tempDir();
  await assert.rejects(pullModel({ modelId: TINY, root, dtype: 'fp32', hub: modelHub({ url: hub.url }) }), (error: unknown) => {
    assert.ok(error instanceof ModelPullError);
    assert.match(error.message, /newsroom\/tiny-bert could not be downloaded: the download was interrupted/);
    assert.match(error.message, /Nothing was kept; run `npx newsroom models pull` again/);
    return true;
  });
  await hub.close();
  assert.equal(fs.existsSync(modelFolder(root, TINY)), false);
  assert.deepEqual(leftovers(root), []);
  assert.equal(tinyListing(root)?.present, false);
  await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir: root, hub: { url: hub.url } }), EmbedderUnavailableError);
  assert.equal(fs.existsSync(modelFolder(root, TINY)), false);
});

test('a pull killed mid-file leaves only its temporary folder, which nothing loads and the next pull removes', async () => {
  let stall = true;
  const hub = await startModelHub({ root: FIXTURE_MODELS, onFile: (file) => (stall && file === WEIGHTS ? 'stall' : 'send') });
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, EMBEDDING_MODEL: TINY, HF_ENDPOINT: hub.url };
  const root = path.join(dataDir, 'models');
  try {
    const pull = startChild('src/cli.ts', ['models', 'pull'], env);
    await hub.partSent(WEIGHTS);
    pull.child.kill('SIGKILL');
    await pull.exited;
    assert.equal(leftovers(root).length, 1, 'the killed download left its temporary folder');
    assert.equal(fs.existsSync(modelFolder(root, TINY)), false);
    assert.equal(tinyListing(root)?.present, false);

    stall = false;
    const again = await newsroomInProcess(['models', 'pull', '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { downloaded: boolean }).downloaded, true);
    assert.deepEqual(leftovers(root), []);
    assert.equal(tinyListing(root)?.present, true);
  } finally {
    await hub.close();
  }
});

test('a hub that accepts connections but never answers fails the load after a short wait, once per run', async () => {
  // A server that takes connections and says nothing, like a firewall or proxy that swallows them.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  const hub = { url, responseTimeoutMs: 300 };
  const cacheDir = tempDir();
  try {
    await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir, hub }), (error: unknown) => {
      assert.ok(error instanceof EmbedderUnavailableError);
      assert.match(error.message, /could not be reached \(it accepted the connection but sent no answer within 0\.3 seconds\)/);
      return true;
    });
    const connections = sockets.length;
    assert.ok(connections > 0);

    // The same run does not wait again.
    await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir, hub }), (error: unknown) => {
      assert.ok(error instanceof EmbedderUnavailableError);
      assert.match(
        error.message,
        /could not be reached at \d\d:\d\d:\d\d UTC \(it accepted the connection but sent no answer within 0\.3 seconds\), so it is not tried again in this run/,
      );
      return true;
    });
    assert.equal(sockets.length, connections);

    // The background retry tries anyway.
    await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir, hub, retryHub: true }), EmbedderUnavailableError);
    assert.ok(sockets.length > connections);
  } finally {
    sockets.forEach((s) => s.destroy());
    silent.close();
  }
});

test('a hub whose connections are never accepted fails at the connect timeout', async (t) => {
  // A listener whose queue is full: the kernel drops connection attempts, as a firewall would.
  const python = spawnSync('python3', ['--version']);
  if (python.status !== 0) {
    t.skip('python3 is not installed: it holds the listener whose connections are never accepted');
    return;
  }
  const holder = spawn('python3', [path.join(ROOT, 'test/support/full-backlog.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => holder.on('exit', resolve));
  try {
    const port = await new Promise<number>((resolve) =>
      holder.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim()))),
    );
    await assert.rejects(
      loadEmbedder({ modelId: TINY, cacheDir: tempDir(), hub: { url: `http://127.0.0.1:${port}`, connectTimeoutMs: 300 } }),
      (error: unknown) => {
        assert.ok(error instanceof EmbedderUnavailableError);
        assert.match(error.message, /could not be reached \(no connection within 0\.3 seconds\)/);
        return true;
      },
    );
  } finally {
    holder.kill();
    await exited;
  }
});

test('the CLI with the hub out of reach answers from keyword search and says why', async () => {
  const dataDir = tempDir();
  const result = await newsroomInProcess(['search', 'bridge', '--json'], {
    DATA_DIR: dataDir,
    ARTICLES_DIR: '',
    HF_ENDPOINT: await closedPortUrl(),
  });
  assert.equal(result.code, 0, result.stderr);
  const search = JSON.parse(result.stdout) as { mode: string; warnings: string[] };
  assert.equal(search.mode, 'keyword');
  assert.match(search.warnings.join(' '), /keyword search only/);
  assert.match(
    result.stderr,
    /Xenova\/bge-small-en-v1\.5\\" could not be downloaded: the model hub http:\/\/127\.0\.0\.1:\d+ could not be reached/,
  );
  // Said once, as a warning: an explained failure is not logged again as an error with its stack.
  assert.doesNotMatch(result.stderr, /"level":50/);
});
