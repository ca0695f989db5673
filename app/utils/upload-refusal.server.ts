import { createInstance, type TFunction } from "i18next";
import { i18nOptions } from "../i18n/options";
import { en } from "../i18n/resources.server";

// Why a requirements file is refused, said in the reader's language where it is shown (`explain(t)`); the error's
// own message is the English sentence, for logs and for callers without a reader (tests, scripts).

type Refusals = (typeof en)["orders"]["uploadRefused"];
type RefusalKey = Exclude<keyof Refusals, "types" | "shorter" | "found">;
/** What a file turned out to be, for "… is not a real PDF file (…)". */
export type FoundKind = keyof Refusals["found"];
type RefusalValues = { name: string; found?: FoundKind; format?: string } & Record<string, string | number | undefined>;

const english = createInstance();
// Resources are bundled, so initialisation finishes synchronously.
void english.init({ ...i18nOptions, lng: "en", ns: ["orders"], resources: { en }, initImmediate: false });

/** A file we will not accept; the reason names the file. */
export class UploadRefusedError extends Error {
  constructor(
    readonly key: RefusalKey,
    readonly values: RefusalValues,
  ) {
    super();
    this.name = "UploadRefusedError";
    this.message = this.explain(english.t);
  }

  /** The reason in `t`'s language; the shared sentences are filled in as values, so a filename is never read as markup. */
  explain(t: TFunction): string {
    const say = (key: string, values: object = {}) =>
      String(t(`orders:uploadRefused.${key}` as never, values as never));
    const { found, ...values } = this.values;
    return say(this.key, {
      ...values,
      types: say("types"),
      shorter: say("shorter"),
      found: found ? say(`found.${found}`, { format: values.format }) : "",
    });
  }
}
