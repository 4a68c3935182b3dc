import { embeddingServerMessages as say } from '../messages/embedding-server.ts';

/*
 * The embedding side's errors, apart from the code that throws them, so that what only checks for
 * them (the app, search, ingest) does not load Transformers.js or the openai client to do it.
 */

/** The embedding model could not be loaded; the message says why and what the operator can do. */
export class EmbedderUnavailableError extends Error {
  override readonly name = 'EmbedderUnavailableError';
  readonly modelId: string;

  constructor(modelId: string, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.modelId = modelId;
  }
}

/**
 * The embeddings server failed or answered with something unusable. The message names the server
 * and the cause; `refused` means the server runs another model (trying again will not help).
 */
export class EmbeddingServerError extends Error {
  override readonly name = 'EmbeddingServerError';
  readonly server: string;
  readonly refused: boolean;

  constructor(server: string, cause: string, refused = false) {
    super(refused ? say.refused(server, cause) : say.failed(server, cause));
    this.server = server;
    this.refused = refused;
  }
}
