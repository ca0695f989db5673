// A command's numeric option (parseArgs gives strings): out of its range, the command says so and exits 2.
export function numberOption(values: Record<string, unknown>, name: string, min: number, max: number): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${String(values[name])})`);
    process.exit(2);
  }
  return value;
}
