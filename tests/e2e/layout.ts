import { expect, type Page } from "@playwright/test";

/**
 * The page holds its layout: nothing makes it scroll sideways, and no heading, label, button, link or cell lets its
 * text run out of its box (long compounds, other scripts). Hidden and deliberately clipped or scrolling parts aside.
 */
export async function expectLayoutHolds(page: Page, what: string) {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) out.push(`the page scrolls sideways (${root.scrollWidth}px)`);
    const scrolls = (el: Element | null): boolean => {
      for (let at = el; at; at = at.parentElement) {
        const overflowX = getComputedStyle(at).overflowX;
        if (overflowX === "auto" || overflowX === "scroll" || overflowX === "hidden" || overflowX === "clip") {
          return true;
        }
      }
      return false;
    };
    const selector = "h1, h2, h3, h4, p, label, button, a, td, th, li, dt, dd, select, summary, figcaption";
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      const style = getComputedStyle(el);
      if (el.offsetParent === null || style.display === "inline" || style.visibility === "hidden") continue;
      // Text for screen readers only (Tailwind's sr-only: 1px, clipped).
      if (style.position === "absolute" && el.clientWidth <= 1) continue;
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50);
      if (el.scrollWidth > el.clientWidth + 1 && !scrolls(el)) {
        out.push(`<${el.tagName.toLowerCase()}> "${text}" overflows its box by ${el.scrollWidth - el.clientWidth}px`);
      }
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > root.clientWidth + 1 && !scrolls(el.parentElement)) {
        out.push(
          `<${el.tagName.toLowerCase()}> "${text}" sticks out of the page by ${Math.round(box.right - root.clientWidth)}px`,
        );
      }
    }
    return out;
  });
  expect(problems, what).toEqual([]);
}
