import { embeddingServerMessages as say } from '../messages/embedding-server.ts';
import type { Embedder } from './embedder.ts';
import { EmbeddingServerError } from './errors.ts';

/**
 * Texts embedded by the server and by the local model, when both are available, before the server
 * is used: news-like passages of different lengths and subjects, and a question.
 */
export const PROBE_PASSAGES: readonly string[] = [
  'The city council approved the 2026 budget on Tuesday by a vote of seven to two, raising property taxes by 3.1 percent.',
  'Kestrel Bridge will close to traffic for six weeks from March 4 while engineers replace corroded bearings.',
  'Ambulances waited more than an hour outside the emergency department on 41 nights last winter, hospital figures show.',
  'Wind gusts of 110 km/h brought down power lines across the valley, leaving 18,000 homes without electricity overnight.',
];
export const PROBE_QUESTION = 'When does the bridge reopen?';

/** Vectors from the server and from the local model agree when their cosine similarity is at least this. */
export const MIN_PROBE_COSINE = 0.99;

/**
 * Embeds the probe texts through `server` (which checks the model name, vector length and values of
 * the reply) and, when `local` is given, compares each vector with the local model's: a server
 * running another model, or the same one differently, is refused with EmbeddingServerError
 * (`refused`) saying why. A server that cannot be reached fails the same way, not refused.
 */
export async function checkServer(server: Embedder, label: string, local: Embedder | null): Promise<void> {
  const passages = await server.embedDocuments([...PROBE_PASSAGES]);
  const question = await server.embedQuery(PROBE_QUESTION);
  if (!local) return;
  const expected = [...(await local.embedDocuments([...PROBE_PASSAGES])), await local.embedQuery(PROBE_QUESTION)];
  const texts = [...PROBE_PASSAGES, PROBE_QUESTION];
  [...passages, question].forEach((vector, i) => {
    const other = expected[i];
    const cosine = other ? cosineSimilarity(vector, other) : 0;
    if (!(cosine >= MIN_PROBE_COSINE)) {
      throw new EmbeddingServerError(label, say.probeDisagrees(server.modelId, cosine, texts[i] ?? ''), true);
    }
  });
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}
