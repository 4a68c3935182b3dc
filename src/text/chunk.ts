/** A span of an article body. Invariant: `body.slice(start, end) === text`. */
export interface Chunk {
  /** Position of the chunk within its article, from 0. */
  index: number;
  text: string;
  start: number;
  end: number;
}
