// Every shipped translation, bundled into the server (the browser fetches its language's namespaces from
// /locales/:lng/:ns). English is the source: the other languages must have every key it has (app/i18n/locales.test.ts).
import type { Locale, Namespace } from "./locales";
import en_common from "../locales/en/common.json";
import en_catalog from "../locales/en/catalog.json";
import en_home from "../locales/en/home.json";
import en_validation from "../locales/en/validation.json";
import en_auth from "../locales/en/auth.json";
import en_account from "../locales/en/account.json";
import en_orders from "../locales/en/orders.json";
import en_documents from "../locales/en/documents.json";
import en_regeneration from "../locales/en/regeneration.json";
import en_byok from "../locales/en/byok.json";
import en_references from "../locales/en/references.json";
import en_citationSupport from "../locales/en/citationSupport.json";
import en_admin from "../locales/en/admin.json";
import en_editing from "../locales/en/editing.json";
import en_email from "../locales/en/email.json";
import en_export from "../locales/en/export.json";
import en_versions from "../locales/en/versions.json";
import en_webhooks from "../locales/en/webhooks.json";
import en_apiDocs from "../locales/en/apiDocs.json";
import uk_common from "../locales/uk/common.json";
import uk_catalog from "../locales/uk/catalog.json";
import uk_home from "../locales/uk/home.json";
import uk_validation from "../locales/uk/validation.json";
import uk_auth from "../locales/uk/auth.json";
import uk_account from "../locales/uk/account.json";
import uk_orders from "../locales/uk/orders.json";
import uk_documents from "../locales/uk/documents.json";
import uk_regeneration from "../locales/uk/regeneration.json";
import uk_byok from "../locales/uk/byok.json";
import uk_references from "../locales/uk/references.json";
import uk_citationSupport from "../locales/uk/citationSupport.json";
import uk_admin from "../locales/uk/admin.json";
import uk_editing from "../locales/uk/editing.json";
import uk_email from "../locales/uk/email.json";
import uk_export from "../locales/uk/export.json";
import uk_versions from "../locales/uk/versions.json";
import uk_webhooks from "../locales/uk/webhooks.json";
import uk_apiDocs from "../locales/uk/apiDocs.json";
import it_common from "../locales/it/common.json";
import it_catalog from "../locales/it/catalog.json";
import it_home from "../locales/it/home.json";
import it_validation from "../locales/it/validation.json";
import it_auth from "../locales/it/auth.json";
import it_account from "../locales/it/account.json";
import it_orders from "../locales/it/orders.json";
import it_documents from "../locales/it/documents.json";
import it_regeneration from "../locales/it/regeneration.json";
import it_byok from "../locales/it/byok.json";
import it_references from "../locales/it/references.json";
import it_citationSupport from "../locales/it/citationSupport.json";
import it_admin from "../locales/it/admin.json";
import it_editing from "../locales/it/editing.json";
import it_email from "../locales/it/email.json";
import it_export from "../locales/it/export.json";
import it_versions from "../locales/it/versions.json";
import it_webhooks from "../locales/it/webhooks.json";
import it_apiDocs from "../locales/it/apiDocs.json";
import ru_common from "../locales/ru/common.json";
import ru_catalog from "../locales/ru/catalog.json";
import ru_home from "../locales/ru/home.json";
import ru_validation from "../locales/ru/validation.json";
import ru_auth from "../locales/ru/auth.json";
import ru_account from "../locales/ru/account.json";
import ru_orders from "../locales/ru/orders.json";
import ru_documents from "../locales/ru/documents.json";
import ru_regeneration from "../locales/ru/regeneration.json";
import ru_byok from "../locales/ru/byok.json";
import ru_references from "../locales/ru/references.json";
import ru_citationSupport from "../locales/ru/citationSupport.json";
import ru_admin from "../locales/ru/admin.json";
import ru_editing from "../locales/ru/editing.json";
import ru_email from "../locales/ru/email.json";
import ru_export from "../locales/ru/export.json";
import ru_versions from "../locales/ru/versions.json";
import ru_webhooks from "../locales/ru/webhooks.json";
import ru_apiDocs from "../locales/ru/apiDocs.json";
import de_common from "../locales/de/common.json";
import de_catalog from "../locales/de/catalog.json";
import de_home from "../locales/de/home.json";
import de_validation from "../locales/de/validation.json";
import de_auth from "../locales/de/auth.json";
import de_account from "../locales/de/account.json";
import de_orders from "../locales/de/orders.json";
import de_documents from "../locales/de/documents.json";
import de_regeneration from "../locales/de/regeneration.json";
import de_byok from "../locales/de/byok.json";
import de_references from "../locales/de/references.json";
import de_citationSupport from "../locales/de/citationSupport.json";
import de_admin from "../locales/de/admin.json";
import de_editing from "../locales/de/editing.json";
import de_email from "../locales/de/email.json";
import de_export from "../locales/de/export.json";
import de_versions from "../locales/de/versions.json";
import de_webhooks from "../locales/de/webhooks.json";
import de_apiDocs from "../locales/de/apiDocs.json";
import fr_common from "../locales/fr/common.json";
import fr_catalog from "../locales/fr/catalog.json";
import fr_home from "../locales/fr/home.json";
import fr_validation from "../locales/fr/validation.json";
import fr_auth from "../locales/fr/auth.json";
import fr_account from "../locales/fr/account.json";
import fr_orders from "../locales/fr/orders.json";
import fr_documents from "../locales/fr/documents.json";
import fr_regeneration from "../locales/fr/regeneration.json";
import fr_byok from "../locales/fr/byok.json";
import fr_references from "../locales/fr/references.json";
import fr_citationSupport from "../locales/fr/citationSupport.json";
import fr_admin from "../locales/fr/admin.json";
import fr_editing from "../locales/fr/editing.json";
import fr_email from "../locales/fr/email.json";
import fr_export from "../locales/fr/export.json";
import fr_versions from "../locales/fr/versions.json";
import fr_webhooks from "../locales/fr/webhooks.json";
import fr_apiDocs from "../locales/fr/apiDocs.json";
import es_common from "../locales/es/common.json";
import es_catalog from "../locales/es/catalog.json";
import es_home from "../locales/es/home.json";
import es_validation from "../locales/es/validation.json";
import es_auth from "../locales/es/auth.json";
import es_account from "../locales/es/account.json";
import es_orders from "../locales/es/orders.json";
import es_documents from "../locales/es/documents.json";
import es_regeneration from "../locales/es/regeneration.json";
import es_byok from "../locales/es/byok.json";
import es_references from "../locales/es/references.json";
import es_citationSupport from "../locales/es/citationSupport.json";
import es_admin from "../locales/es/admin.json";
import es_editing from "../locales/es/editing.json";
import es_email from "../locales/es/email.json";
import es_export from "../locales/es/export.json";
import es_versions from "../locales/es/versions.json";
import es_webhooks from "../locales/es/webhooks.json";
import es_apiDocs from "../locales/es/apiDocs.json";
import pl_common from "../locales/pl/common.json";
import pl_catalog from "../locales/pl/catalog.json";
import pl_home from "../locales/pl/home.json";
import pl_validation from "../locales/pl/validation.json";
import pl_auth from "../locales/pl/auth.json";
import pl_account from "../locales/pl/account.json";
import pl_orders from "../locales/pl/orders.json";
import pl_documents from "../locales/pl/documents.json";
import pl_regeneration from "../locales/pl/regeneration.json";
import pl_byok from "../locales/pl/byok.json";
import pl_references from "../locales/pl/references.json";
import pl_citationSupport from "../locales/pl/citationSupport.json";
import pl_admin from "../locales/pl/admin.json";
import pl_editing from "../locales/pl/editing.json";
import pl_email from "../locales/pl/email.json";
import pl_export from "../locales/pl/export.json";
import pl_versions from "../locales/pl/versions.json";
import pl_webhooks from "../locales/pl/webhooks.json";
import pl_apiDocs from "../locales/pl/apiDocs.json";

export const en = {
  common: en_common,
  catalog: en_catalog,
  home: en_home,
  validation: en_validation,
  auth: en_auth,
  account: en_account,
  orders: en_orders,
  documents: en_documents,
  regeneration: en_regeneration,
  byok: en_byok,
  references: en_references,
  citationSupport: en_citationSupport,
  admin: en_admin,
  versions: en_versions,
  editing: en_editing,
  webhooks: en_webhooks,
  apiDocs: en_apiDocs,
  email: en_email,
  export: en_export,
};
export type Resources = typeof en;

/** A translation of the English resources: any shape of strings (the key test checks they match). */
type Translation = Record<Namespace, Record<string, unknown>>;

export const resources: Record<Locale, Translation> = {
  en,
  uk: {
    common: uk_common,
    catalog: uk_catalog,
    home: uk_home,
    validation: uk_validation,
    auth: uk_auth,
    account: uk_account,
    orders: uk_orders,
    documents: uk_documents,
    regeneration: uk_regeneration,
    byok: uk_byok,
    references: uk_references,
    citationSupport: uk_citationSupport,
    admin: uk_admin,
    versions: uk_versions,
    editing: uk_editing,
    webhooks: uk_webhooks,
    apiDocs: uk_apiDocs,
    email: uk_email,
    export: uk_export,
  },
  it: {
    common: it_common,
    catalog: it_catalog,
    home: it_home,
    validation: it_validation,
    auth: it_auth,
    account: it_account,
    orders: it_orders,
    documents: it_documents,
    regeneration: it_regeneration,
    byok: it_byok,
    references: it_references,
    citationSupport: it_citationSupport,
    admin: it_admin,
    versions: it_versions,
    editing: it_editing,
    webhooks: it_webhooks,
    apiDocs: it_apiDocs,
    email: it_email,
    export: it_export,
  },
  ru: {
    common: ru_common,
    catalog: ru_catalog,
    home: ru_home,
    validation: ru_validation,
    auth: ru_auth,
    account: ru_account,
    orders: ru_orders,
    documents: ru_documents,
    regeneration: ru_regeneration,
    byok: ru_byok,
    references: ru_references,
    citationSupport: ru_citationSupport,
    admin: ru_admin,
    versions: ru_versions,
    editing: ru_editing,
    webhooks: ru_webhooks,
    apiDocs: ru_apiDocs,
    email: ru_email,
    export: ru_export,
  },
  de: {
    common: de_common,
    catalog: de_catalog,
    home: de_home,
    validation: de_validation,
    auth: de_auth,
    account: de_account,
    orders: de_orders,
    documents: de_documents,
    regeneration: de_regeneration,
    byok: de_byok,
    references: de_references,
    citationSupport: de_citationSupport,
    admin: de_admin,
    versions: de_versions,
    editing: de_editing,
    webhooks: de_webhooks,
    apiDocs: de_apiDocs,
    email: de_email,
    export: de_export,
  },
  fr: {
    common: fr_common,
    catalog: fr_catalog,
    home: fr_home,
    validation: fr_validation,
    auth: fr_auth,
    account: fr_account,
    orders: fr_orders,
    documents: fr_documents,
    regeneration: fr_regeneration,
    byok: fr_byok,
    references: fr_references,
    citationSupport: fr_citationSupport,
    admin: fr_admin,
    versions: fr_versions,
    editing: fr_editing,
    webhooks: fr_webhooks,
    apiDocs: fr_apiDocs,
    email: fr_email,
    export: fr_export,
  },
  es: {
    common: es_common,
    catalog: es_catalog,
    home: es_home,
    validation: es_validation,
    auth: es_auth,
    account: es_account,
    orders: es_orders,
    documents: es_documents,
    regeneration: es_regeneration,
    byok: es_byok,
    references: es_references,
    citationSupport: es_citationSupport,
    admin: es_admin,
    versions: es_versions,
    editing: es_editing,
    webhooks: es_webhooks,
    apiDocs: es_apiDocs,
    email: es_email,
    export: es_export,
  },
  pl: {
    common: pl_common,
    catalog: pl_catalog,
    home: pl_home,
    validation: pl_validation,
    auth: pl_auth,
    account: pl_account,
    orders: pl_orders,
    documents: pl_documents,
    regeneration: pl_regeneration,
    byok: pl_byok,
    references: pl_references,
    citationSupport: pl_citationSupport,
    admin: pl_admin,
    versions: pl_versions,
    editing: pl_editing,
    webhooks: pl_webhooks,
    apiDocs: pl_apiDocs,
    email: pl_email,
    export: pl_export,
  },
};
