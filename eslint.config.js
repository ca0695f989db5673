// ESLint: correctness and consistency of the code (typescript-eslint's recommended rules, React's rules of hooks).
// The structure (layers, cycles, frozen migrations) is checked by dependency-cruiser (.dependency-cruiser.js) and the
// layout by Prettier: `npm run lint` runs all three.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "build/",
      "public/build/",
      ".data/",
      ".data-*/",
      ".cache/",
      "test-results/",
      "playwright-report/",
      "coverage/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Stripe, pg-boss, citeproc and JSON payloads arrive untyped at the edges; zod narrows them where they are used.
      "@typescript-eslint/no-explicit-any": "off",
      // Control characters are matched on purpose: file names, the ASCII fast path, app/utils/control-characters.ts.
      "no-control-regex": "off",
      // `declare global { namespace Express ... }` is how Express's types are extended; no other namespace is written.
      "@typescript-eslint/no-namespace": ["error", { allowDeclarations: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Hooks live in components and routes; a server module's `use…` is a verb (useSignInLink uses a link up).
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  prettier,
);
