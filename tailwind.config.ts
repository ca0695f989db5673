import type { Config } from "tailwindcss";

export default {
  content: ["./app/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        brand: { 50: "#eef5ff", 100: "#d9e8ff", 500: "#2f6fed", 600: "#1f5bd6", 700: "#1a49ab", 900: "#13285c" },
      },
    },
  },
  plugins: [],
} satisfies Config;
