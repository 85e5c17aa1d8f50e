/**
 * The command line of a dev command (bench, chaos): parsed by the command's own `parse`; a wrong
 * usage prints why and the usage, exit 2; `--help` prints the usage, exit 0.
 */
export function commandLineOptions<T extends { help: boolean }>(
  parse: (argv: string[]) => T,
  usage: string,
  argv = process.argv.slice(2),
): T {
  let options: T;
  try {
    options = parse(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage);
    process.exit(0);
  }
  return options;
}
