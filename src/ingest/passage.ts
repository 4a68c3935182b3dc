/** Text embedded for a chunk: the headline gives a passage its context. */
export function passageText(title: string, text: string): string {
  return `${title}\n\n${text}`;
}
