// pg-boss hands out a queue's higher numbers first. Premium customers' and express orders come first: their plan, and
// their sections (then smaller documents, then a document's sections in order). The payment, the plan and an admin
// marking a customer premium (priorities.server.ts) all compute them here.

/** document.plan: premium and express orders before the rest. */
export function planPriority(first: boolean): number {
  return first ? 10 : 0;
}

/** section.write: premium and express first, then smaller documents, then earlier sections. */
export function sectionPriority(first: boolean, pages: number, index: number): number {
  return (first ? 1_000_000 : 0) + (200 - Math.min(pages, 200)) * 1000 + Math.max(0, 999 - index);
}
