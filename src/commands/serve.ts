import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { nextSignal } from '../cli/signals.js';
import type { RequestRecord } from '../server/credential-server.js';
import { ROLE_PATH, startServing } from '../services/serve.js';
import { SHELLS, type Shell, detectShell, renderExports } from '../shell/exports.js';

export default class Serve extends BaseCommand {
  static override summary = 'Serve every role to AWS SDKs from a credential server on 127.0.0.1, until stopped.';
  static override description =
    'Each profile is at http://127.0.0.1:<port>/role/<profile> (the container-credentials protocol); SDKs poll it and get ' +
    'credentials refreshed before they expire. The token is kept in server-token (0600) in the settings folder. ' +
    'Stdout gets the variables to set; stderr one line per request (never a key). Ctrl-C or SIGTERM stops it.';

  static override examples = [
    '<%= config.bin %> serve --port 9911',
    '# in another shell, with the lines it printed:\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=…; export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9911/role/okta-111111111111-Admin',
  ];

  static override flags = {
    port: Flags.integer({ description: 'Port on 127.0.0.1 (default: a free one).', min: 1, max: 65535 }),
    shell: Flags.string({ description: 'Syntax of the printed variables (default: from $SHELL).', options: [...SHELLS] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    // Taken over before anything is printed: a caller may stop us as soon as it sees the first line.
    const stopped = nextSignal();
    const log = (line: string) => process.stderr.write(`okta-aws serve: ${new Date().toISOString()} ${line}\n`);
    const serving = await startServing({
      entry: this.entry,
      ...(flags.port === undefined ? {} : { port: flags.port }),
      onRequest: (r: RequestRecord) => log(`${r.method} ${r.path} ${r.status}${r.profile ? ` ${r.profile}` : ''} ${r.outcome}`),
      onBackgroundError: (profile, error) => log(`refresh of ${profile} failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    const shell = (flags.shell as Shell | undefined) ?? detectShell();
    const [first, ...others] = serving.profiles.map((p) => `${serving.server.origin}${ROLE_PATH}${p}`);
    process.stdout.write(
      `# okta-aws serve: every profile at ${serving.server.origin}${ROLE_PATH}<profile>; the token is also in ${serving.tokenFile}\n` +
        renderExports({ AWS_CONTAINER_AUTHORIZATION_TOKEN: serving.token, ...(first ? { AWS_CONTAINER_CREDENTIALS_FULL_URI: first } : {}) }, shell) +
        others.map((uri) => `# ${renderExports({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }, shell)}`).join(''),
    );
    log(`listening on ${serving.server.origin} for ${serving.profiles.length} profiles`);

    // Until SIGINT/SIGTERM: then close the server (and its refresh timers) and exit 0.
    const signal = await stopped;
    await serving.close();
    log(`stopped (${signal})`);
  }
}
