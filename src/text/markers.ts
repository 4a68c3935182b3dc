/**
 * Citation markers: "[1]", "[1, 3]", "[2-4]" in answer text point to the numbered sources under
 * it. Only the bot writes them. A bracketed number that an article itself contains ("as the
 * report's table [7] shows") is written with full-width brackets, "［7］": it reads the same to a
 * person, and no parser (ours, a JSON consumer's, a model's) can take it for a marker.
 */

/** One marker as the citation parser reads it: numbers separated by commas, semicolons or dashes. */
export const MARKER_SOURCE = String.raw`\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]`;

/** Adjacent markers with the spaces before them: " [1][3]", " [2, 4]". */
export const MARKER_GROUP_SOURCE = String.raw`(?:\s*${MARKER_SOURCE})+`;

const MARKER = new RegExp(MARKER_SOURCE, 'g');
const MARKER_GROUP = new RegExp(MARKER_GROUP_SOURCE, 'g');

export const FULLWIDTH_OPEN = '［';
export const FULLWIDTH_CLOSE = '］';

/**
 * Text from an article (or anything else not written by the bot) with every bracketed number
 * that would read as a marker given full-width brackets. Same length in UTF-16 code units, so
 * character offsets into the original still hold.
 */
export function defuseMarkers(text: string): string {
  return text.replace(MARKER, (marker) => `${FULLWIDTH_OPEN}${marker.slice(1, -1)}${FULLWIDTH_CLOSE}`);
}

/** Text with its markers (and the spaces before them) removed: "closed [1][2]." → "closed.". */
export function stripMarkers(text: string): string {
  return text.replace(MARKER_GROUP, '');
}
