/** Input quoted in a message is cut to this many characters: a message never echoes a whole line or file. */
export const QUOTED_INPUT_CHARACTERS = 80;

const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * Input text as a message may quote it: in double quotes, control characters written as `\u001b`
 * (so nothing reaches a terminal or a log as an escape sequence), cut to a bounded length with
 * the full length said.
 */
export function quoteInput(text: string, maxCharacters = QUOTED_INPUT_CHARACTERS): string {
  const cut = text.length > maxCharacters ? text.slice(0, maxCharacters) : text;
  const visible = cut.replace(
    CONTROL_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > maxCharacters ? `"${visible}…" (${text.length} characters)` : `"${visible}"`;
}

const CONTROL_CHARACTERS_BUT_TAB = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** Where the first control character other than tab is (C0, DEL, C1), or -1. */
export function controlCharacterAt(text: string): number {
  return text.search(CONTROL_CHARACTERS_BUT_TAB);
}
