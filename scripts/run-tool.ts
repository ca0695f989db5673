// How every command-line tool ends: its exit code, or one readable line for what went wrong (a setting's own message
// as it is; anything else prefixed with the tool's name), then exit — so no tool hangs on an open handle.
import { EnvError } from "../app/utils/env.server";

export function runTool(
  name: string,
  main: () => Promise<number>,
  readable: (error: unknown) => boolean = () => false,
) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(
        error instanceof EnvError || readable(error)
          ? (error as Error).message
          : `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
}
