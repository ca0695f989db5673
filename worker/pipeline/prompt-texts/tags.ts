// The order's data in a prompt stands between tags, the same in every language: the instructions around it are in the
// order's language, and whatever reads a prompt (a test's fake model) finds the data without knowing that language.
export type PromptTag =
  | "topic"
  | "language"
  | "sections"
  | "words"
  | "key-points"
  | "abstract"
  | "instructions"
  | "requirements"
  | "text"
  | "instruction"
  | "neighbours"
  | "sentences"
  | "claims"
  | "sources";

export function tag(name: PromptTag, value: string | number): string {
  return `<${name}>${value}</${name}>`;
}
