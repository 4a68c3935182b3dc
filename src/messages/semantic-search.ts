/** What readers and operators are told while the vector index loads after a restart. */

export const semanticSearchMessages = {
  /** Shown with results found while the index loads. */
  loading: 'Semantic search is still loading after a restart, so this comes from keyword search only.',
  /** /readyz, while the process serves keyword search only. */
  loadingStatus: 'semantic search is loading: answers come from keyword search until the vector index is read',
};
