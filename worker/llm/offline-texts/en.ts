// The offline demo writer's words in English: the type every other language's table must match (index.ts).
// Placeholders: {heading} (the section's), {topic} (the order's), {point} (one of the section's key points); in
// `sentence`, the parts: {opener} {subject} {verb} {object} {closer}, in the order the language puts them.
export const en = {
  introduction: "Introduction",
  conclusion: "Conclusion",
  /** The body sections' headings, in turn (numbered from the second round on). */
  body: [
    "Background and key concepts",
    "Historical development",
    "Current debates",
    "Methods and evidence",
    "Case studies",
    "Critical assessment",
    "Implications for practice",
    "Open questions",
  ],
  brief: "The section “{heading}” of a text on “{topic}”.",
  /** The key points every section is given (the demo has nothing to say about the topic itself). */
  keyPoints: ["key terms and scope", "the available evidence", "open problems"],
  /** The first sentence of every section: what this text is, honestly. */
  label:
    "This is placeholder text from the offline demo, written without a language model: it only marks the place of " +
    "the section “{heading}” and sketches what the section would cover.",
  /** The second sentence: the section's key points ({points}, joined by "; "), as the outline gave them. */
  covers: "The finished section would take up these key points: {points}.",
  sentence: "{opener} {subject} {verb} {object}{closer}",
  openers: [
    "In the context of the section “{heading}”,",
    "With regard to {point},",
    "For a full account of “{topic}”,",
    "Across the literature,",
    "At the level of practice,",
    "In comparative terms,",
    "Historically,",
    "From a methodological standpoint,",
    "Taken together,",
    "On closer inspection,",
  ],
  subjects: [
    "the finished section",
    "the full text",
    "this paragraph in its final form",
    "the complete argument",
    "a careful analysis",
    "the written version",
  ],
  verbs: [
    "would examine",
    "would discuss",
    "would weigh",
    "would trace",
    "would clarify",
    "would describe",
    "would assess",
    "would explain",
  ],
  objects: [
    "the bearing of {point} on everyday decisions",
    "the limits of a single explanation",
    "the weight usually given to {point}",
    "a tension between stated aims and observed outcomes",
    "the role of timing and sequence",
    "why “{topic}” resists simple generalisation",
    "the uneven distribution of costs and benefits",
    "a gap between national and regional patterns",
    "the importance of measurement choices",
    "the interplay of incentives and norms",
    "an overlooked dimension of the section “{heading}”",
    "the durability of earlier arrangements",
  ],
  closers: [
    "",
    "",
    ", which matters for the argument that follows",
    ", although the data remain incomplete",
    ", a point that later sections take up",
    ", especially when compared across periods",
    ", at least in the better documented cases",
  ],
};

export type OfflineTexts = typeof en;
