#!/usr/bin/env node
// `pulumi-heygen`: the package's command. Each subcommand lives in its own module, loaded only when run.
const USAGE = `Usage: pulumi-heygen <command> [options]

Commands:
  review    a review of \`pulumi preview --json\`: Markdown for a pull request, an HTML page with the pictures
  export    write a Pulumi program that adopts every avatar group and look of a HeyGen account

Run \`pulumi-heygen <command> --help\` for a command's options.`;

export async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case "review":
            return (await import("./review/cli")).main(argv);
        case "export":
            return (await import("./export/cli")).exportMain(rest);
        case "-h":
        case "--help":
            process.stdout.write(USAGE + "\n");
            return 0;
        case undefined:
            process.stderr.write(USAGE + "\n");
            return 2;
        default:
            process.stderr.write(`pulumi-heygen: unknown command '${command}': use review or export.\n\n${USAGE}\n`);
            return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
