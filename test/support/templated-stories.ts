/**
 * Templated local news, the way a newsroom's CMS generates it: each council story has its own
 * headline, amount, date and reference code (a word only that story holds), and repeats the
 * same boilerplate paragraphs as every other story of the day (results, weather, earnings,
 * police blotter). The boilerplate is most of the text, so two stories share most of their word
 * 5-grams (shingle Jaccard about 0.7) while telling different stories. Written for this project.
 */

const PROJECTS = [
  'the harbour wall',
  'a new bus depot',
  'the flood barrier',
  'a community pool',
  'road resurfacing',
  'the library roof',
  'a night market',
  'the ferry landing',
];
const WARDS = ['Eastmoor', 'Northgate', 'Millrace', 'Wexcombe', 'Fenwick', 'Carrow', 'Saltcombe', 'Alder Quay'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const GREEK = ['alpha', 'beta', 'gamma', 'delta', 'sigma', 'omega', 'kappa', 'theta'];

export const BOILERPLATE = [
  'Results: in the Saturday fixtures Alder Harbour beat Eastmoor Rovers 3-1 at the Quay Ground, Northgate drew 2-2 with Carrow Athletic, and the Millrace under-16s reached the county cup semi-final after a penalty shoot-out that ended 5-4.',
  'Weather: the Met Office expects a dry morning with sunny spells, cloud thickening from the west by mid-afternoon and rain reaching the coast overnight; highs of 14 degrees, lows of 6, with a moderate south-westerly breeze along the harbour front.',
  'Earnings: Harbour Cement reported quarterly revenue of 41.2 million dollars, up 6 per cent on the year, while Northgate Foods said profit fell to 3.8 million dollars as grain prices rose; both companies keep their dividends unchanged.',
  'Police blotter: officers attended a minor collision on Fenwick Road on Thursday evening, no one was hurt; a bicycle reported stolen from the railway station was recovered in Wexcombe, and a reminder went out to lock sheds and garages at night.',
];

export interface TemplatedStory {
  id: string;
  title: string;
  /** The reference code: a word no other story holds. */
  code: string;
  /** "4.3 million dollars" */
  amount: string;
  /** "March 12" */
  date: string;
  body: string;
}

/** The `i`-th council story: its own project, ward, amount, date and code; the boilerplate of the day. */
export function councilStory(i: number): TemplatedStory {
  const project = PROJECTS[i % PROJECTS.length] as string;
  const ward = WARDS[Math.floor(i / PROJECTS.length) % WARDS.length] as string;
  const amount = `${1 + (i % 9)}.${(i * 7) % 10} million dollars`;
  const date = `${MONTHS[i % 12]} ${1 + ((i * 5) % 28)}`;
  const code = `${GREEK[i % GREEK.length]}${10 + i}zq`;
  const lede = `The Alder Harbour council approved ${amount} for ${project} in ${ward} on ${date}, under reference ${code}.`;
  return {
    id: `council-${String(i).padStart(3, '0')}`,
    title: `Council backs ${project} in ${ward} (${code})`,
    code,
    amount,
    date,
    body: [lede, ...BOILERPLATE].join('\n\n'),
  };
}

/** The story as a Markdown file with front matter. */
export function storyMarkdown(story: { title: string; body: string }, published = '2026-03-02'): string {
  return `---\ntitle: "${story.title}"\npublished: ${published}\n---\n\n${story.body}\n`;
}
