/**
 * LangChain.js HNSWLib, loaded from bench/node_modules when `npm run bench:install` has put it
 * there. The app does not depend on LangChain, so the modules are imported by a computed name
 * and described by the few members the benchmark uses.
 */

export interface LangChainDocument {
  pageContent: string;
  metadata: Record<string, unknown>;
}

interface HnswIndex {
  setEf(ef: number): void;
  getCurrentCount(): number;
}

export interface LangChainStore {
  readonly index: HnswIndex;
  addVectors(vectors: number[][], documents: LangChainDocument[]): Promise<void>;
  similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: (document: LangChainDocument) => boolean,
  ): Promise<[LangChainDocument, number][]>;
  save(directory: string): Promise<void>;
}

interface HnswLibClass {
  new (
    embeddings: EmbeddingsStandIn,
    args: { space: 'cosine'; numDimensions: number; index?: unknown; docstore?: unknown },
  ): LangChainStore;
  load(directory: string, embeddings: EmbeddingsStandIn): Promise<LangChainStore>;
}

interface DocumentClass {
  new (fields: { pageContent: string; metadata: Record<string, unknown> }): LangChainDocument;
}

/** Vectors are passed in precomputed; LangChain must never need to embed anything itself. */
interface EmbeddingsStandIn {
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

const noEmbeddings: EmbeddingsStandIn = {
  embedDocuments: () => Promise.reject(new Error('the benchmark passes precomputed vectors')),
  embedQuery: () => Promise.reject(new Error('the benchmark passes precomputed vectors')),
};

interface DocstoreClass {
  new (documents: Map<string, LangChainDocument>): unknown;
}

export interface LangChain {
  create(dimensions: number): LangChainStore;
  /** A store over an hnswlib index already in memory, with its documents by label (no second copy of the graph). */
  wrap(index: unknown, dimensions: number, documents: Map<string, LangChainDocument>): LangChainStore;
  load(directory: string): Promise<LangChainStore>;
  document(pageContent: string, metadata: Record<string, unknown>): LangChainDocument;
}

export const LANGCHAIN_SKIPPED = 'skipped: run npm run bench:install';

/** LangChain's HNSWLib, or the reason it is unavailable (print it: never skip silently). */
export async function loadLangChain(): Promise<LangChain | { missing: string }> {
  try {
    const hnswModule = '@langchain/community/vectorstores/hnswlib';
    const documentsModule = '@langchain/core/documents';
    const { HNSWLib } = (await import(hnswModule)) as { HNSWLib: HnswLibClass };
    const docstoreModule = '@langchain/community/stores/doc/in_memory';
    const { Document } = (await import(documentsModule)) as { Document: DocumentClass };
    const { SynchronousInMemoryDocstore } = (await import(docstoreModule)) as { SynchronousInMemoryDocstore: DocstoreClass };
    return {
      create: (dimensions) => new HNSWLib(noEmbeddings, { space: 'cosine', numDimensions: dimensions }),
      wrap: (index, dimensions, documents) =>
        new HNSWLib(noEmbeddings, {
          space: 'cosine',
          numDimensions: dimensions,
          index,
          docstore: new SynchronousInMemoryDocstore(documents),
        }),
      load: (directory) => HNSWLib.load(directory, noEmbeddings),
      document: (pageContent, metadata) => new Document({ pageContent, metadata }),
    };
  } catch (error) {
    return { missing: `${LANGCHAIN_SKIPPED} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}
