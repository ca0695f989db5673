import { describe, expect, it } from "vitest";
import { contentDisposition } from "./download.server";

describe("download file names", () => {
  it("keep the title in UTF-8 with an ASCII fallback", () => {
    expect(contentDisposition("Roman roads: trade & tolls", "pdf")).toBe(
      `attachment; filename="Roman-roads-trade-tolls.pdf"; filename*=UTF-8''Roman%20roads%20trade%20%26%20tolls.pdf`,
    );
    expect(contentDisposition("Żółć in Łódź", "pdf")).toContain('filename="Zolc-in-Lodz.pdf"');
    const ukrainian = contentDisposition("Вплив цифрових технологій", "docx");
    expect(ukrainian).toContain(`filename*=UTF-8''${encodeURIComponent("Вплив цифрових технологій.docx")}`);
    expect(ukrainian).toContain('filename="document.docx"');
  });

  it("never lets quotes, slashes or control characters through", () => {
    const header = contentDisposition('a"b/c\\d\r\ne', "pdf");
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.split(";")[1]).toBe(' filename="a-b-c-d-e.pdf"');
  });
});
