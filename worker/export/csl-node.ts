/** A style or locale in citeproc-js's JSON form of the XML (what `CSL.Engine` accepts instead of an XML string). */
export type CslNode = { name: string; attrs: Record<string, string>; children: Array<CslNode | string> };
