// What TesiGo calls a control character, in one place (shared with the browser): C0 but tab, line feed and carriage
// return; DEL; and C1. Postgres text cannot hold NUL, and the others are invisible in a page, a log or a document.
const CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f";

const ANY_CONTROL_CHARACTER = new RegExp(`[${CONTROL}]`);
const EVERY_CONTROL_CHARACTER = new RegExp(`[${CONTROL}]`, "g");

export function hasControlCharacter(text: string): boolean {
  return ANY_CONTROL_CHARACTER.test(text);
}

export function stripControlCharacters(text: string): string {
  return text.replace(EVERY_CONTROL_CHARACTER, "");
}

/** Shown next to a field a person typed or pasted a control character into (a key of the validation texts). */
export const CONTROL_CHARACTER_MESSAGE = "validation:controlCharacter";
