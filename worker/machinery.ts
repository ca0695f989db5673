// The worker's performance machinery, under one roof: what it keeps between sections and the statements it gathers
// when a document's sections start or finish together (decisions 013–017). One per worker, made at boot with its
// PipelineContext and passed down with it; domain modules keep none of it in module state, so two contexts in one
// process (tests, `npm run eval`) share nothing.
import { CitationEngine } from "./export/bibliography";
import { SectionFinishes } from "./pipeline/finish-sections";
import { SectionStarts } from "./pipeline/section-store";
import { GateContexts } from "./quality/gate-context";
import { SpellChecker } from "./quality/spell-checker";
import { UniquenessChecker } from "./quality/uniqueness";

export type PipelineMachinery = {
  /** Sections' loads and "writing" marks, one statement per document for those that start together. */
  sectionStarts: SectionStarts;
  /** Sections' finishing statements, one per document for those that finish together. */
  sectionFinishes: SectionFinishes;
  /** The texts the gates compared recently (by MD5), and the gate context reads, one per document. */
  gateContexts: GateContexts;
  /** Paragraphs prechecked while streaming, recent shingle sets, and the delivered-shingle lookups, gathered. */
  uniqueness: UniquenessChecker;
  /** The spelling thread and its answers for recent paragraphs. */
  spell: SpellChecker;
  /** The citation engine kept between documents, prepared while a document's sections are written. */
  citations: CitationEngine;
  /** Frees what holds resources (the spelling thread and its dictionaries). */
  close(): Promise<void>;
};

export function createPipelineMachinery(): PipelineMachinery {
  const spell = new SpellChecker();
  return {
    sectionStarts: new SectionStarts(),
    sectionFinishes: new SectionFinishes(),
    gateContexts: new GateContexts(),
    uniqueness: new UniquenessChecker(),
    spell,
    citations: new CitationEngine(),
    close: () => spell.close(),
  };
}
