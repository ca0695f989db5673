import "i18next";
import type { Resources } from "./resources.server";

// Keys are checked at compile time against the English resources.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: Resources;
    returnNull: false;
  }
}
