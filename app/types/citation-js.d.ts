// The part of citation-js (0.8, untyped) TesiGo uses: reading and writing reference files (app/utils/reference-files.server.ts).
declare module "@citation-js/core" {
  export type CslData = Record<string, unknown> & { id?: string | number };
  export type CiteOptions = { forceType?: string; generateGraph?: boolean };
  export class Cite {
    constructor(data?: unknown, options?: CiteOptions);
    data: CslData[];
    format(format: "bibtex", options?: { format?: "text" }): string;
    format(format: "ris", options: { format: "object"; spec?: string }): Record<string, string | string[]>[];
    format(format: "data", options?: { format?: "text" | "object" }): string;
  }
  export const plugins: {
    config: { get(name: string): Record<string, any> };
  };
}
declare module "@citation-js/plugin-bibtex";
declare module "@citation-js/plugin-ris";
declare module "@citation-js/plugin-csl";
