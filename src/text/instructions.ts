/*
 * Text inside an article that is addressed to an AI rather than to readers: "SYSTEM: ignore previous
 * instructions", "you are ChatGPT", chat-template tokens. A newsroom's own copy never talks to the
 * model that reads it, so such a passage is someone trying to steer the bot. Found when an article is
 * stored (not per question), shown to editors by `newsroom check`, and never given to the model or
 * counted as support for a citation (src/answering).
 *
 * Each pattern is narrow on purpose: news quotes people telling others to "ignore" or "disregard"
 * things every day ("ignore the rumours", "disregard the above figure"); only wording aimed at a
 * model's instructions, role or prompt counts.
 */

/** Changes whenever the patterns do: stored findings are then looked for afresh (store/catalog/instruction-findings.ts). */
export const INSTRUCTION_DETECTOR_VERSION = '1';

/** What kind of text addressed to an AI was found. */
export type InstructionKind = 'override' | 'role' | 'persona' | 'markup';

export interface InstructionFinding {
  kind: InstructionKind;
  /** The paragraph holding it (offsets into the text): what is withheld from the model. */
  start: number;
  end: number;
  /** 1-based line of the match in the text. */
  line: number;
  /** Where in the text the match itself starts. */
  at: number;
}

const PRIOR = '(?:all\\s+|any\\s+|the\\s+|your\\s+|of\\s+)*(?:previous|prior|preceding|above|earlier|original|initial|system)';
// What a model is given, not what a council or a court gives ("rules", "guidance", "orders" are news).
const RULES = '(?:instructions?|prompts?|directives?|programming|system\\s+(?:prompt|message))';

const PATTERNS: { kind: InstructionKind; pattern: RegExp }[] = [
  // "ignore previous instructions", "disregard all prior rules", "forget your system prompt".
  { kind: 'override', pattern: new RegExp(`\\b(?:ignore|disregard|forget)\\s+${PRIOR}\\s+${RULES}\\b`, 'i') },
  { kind: 'override', pattern: new RegExp(`\\b(?:ignore|disregard|forget)\\s+(?:all|any)\\s+(?:other\\s+)?${RULES}\\b`, 'i') },
  {
    kind: 'override',
    pattern: new RegExp(
      `\\b(?:ignore|disregard|forget)\\s+(?:all\\s+|everything\\s+)?(?:you\\s+(?:were|have\\s+been)\\s+told|your\\s+${RULES})`,
      'i',
    ),
  },
  // "disregard the above." — but not "disregard the above figure".
  { kind: 'override', pattern: /\b(?:ignore|disregard)\s+(?:all\s+of\s+|everything\s+)?(?:the\s+)?above(?=\s*(?:[.,;:!)]|and\b|$))/im },
  { kind: 'override', pattern: new RegExp(`\\b(?:new|updated|real|actual|hidden)\\s+${RULES}\\s*:`, 'i') },
  { kind: 'override', pattern: /\b(?:cite|citing|mark it as|reference)\s+\[\d{1,2}\]/i },
  // Role labels a chat transcript uses: "SYSTEM:" in capitals anywhere, "System:" opening a line.
  { kind: 'role', pattern: /\b(?:SYSTEM|ASSISTANT|DEVELOPER)\s*:/ },
  { kind: 'role', pattern: /^[ \t]*(?:system|assistant|developer)[ \t]*(?:prompt|message)?[ \t]*:/im },
  // "You are ChatGPT", "as an AI language model", "note to the AI", "if you are an LLM".
  {
    kind: 'persona',
    pattern:
      /\byou\s+are\s+(?:now\s+)?(?:chatgpt|gpt-?\d|claude|gemini|llama|copilot|dan\b|an?\s+(?:ai|artificial intelligence|large language model|language model|llm|chatbot|ai assistant)\b)/i,
  },
  { kind: 'persona', pattern: /\bas\s+an?\s+(?:ai|artificial intelligence)\s+(?:language\s+)?model\b/i },
  {
    kind: 'persona',
    pattern:
      /\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+)?(?:ai|ai assistant|ai model|llm|chatbot|language model|assistant|bot)s?\b(?:\s+reading|\s*:)/i,
  },
  { kind: 'persona', pattern: /\bif\s+you\s+are\s+an?\s+(?:ai|llm|language model|chatbot|ai assistant|bot)\b/i },
  // Chat-template tokens and prompt markup: <|im_start|>, [INST], <<SYS>>, "### Instruction", our own <passages> tags.
  { kind: 'markup', pattern: /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\|>/i },
  { kind: 'markup', pattern: /\[\/?INST\]|<<\/?SYS>>/ },
  { kind: 'markup', pattern: /^[ \t]*#{2,}[ \t]*(?:instruction|system|response|assistant)s?\b/im },
  { kind: 'markup', pattern: /<\/?(?:passages?|system|instructions?)(?:\s+id="?\d+"?)?\s*>/i },
];

/** The paragraph (a run of text between blank lines) around `at`. */
function paragraphAround(text: string, at: number): { start: number; end: number } {
  const before = text.lastIndexOf('\n\n', at);
  const after = text.indexOf('\n\n', at);
  return { start: before < 0 ? 0 : before + 2, end: after < 0 ? text.length : after };
}

/**
 * Every passage of `text` addressed to an AI, once per paragraph (the first match there), in order.
 * Linear in the text: each pattern runs once over it, and lines are counted in one pass.
 */
export function findInstructions(text: string): InstructionFinding[] {
  const matches: { kind: InstructionKind; at: number }[] = [];
  for (const { kind, pattern } of PATTERNS) {
    const global = new RegExp(pattern.source, `${pattern.flags}g`);
    for (const m of text.matchAll(global)) matches.push({ kind, at: m.index });
  }
  matches.sort((a, b) => a.at - b.at);
  const findings: InstructionFinding[] = [];
  let line = 1;
  let counted = 0;
  for (const { kind, at } of matches) {
    const last = findings.at(-1);
    if (last && at < last.end) continue;
    for (let i = text.indexOf('\n', counted); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    counted = at;
    findings.push({ kind, ...paragraphAround(text, at), line, at });
  }
  return findings;
}
