import { Help } from '@oclif/core';

/** oclif's help, with a "Get started" path and examples on the top-level page (`okta-aws --help`). */
export default class OktaAwsHelp extends Help {
  override formatRoot(): string {
    const bin = this.config.bin;
    const start = this.section(
      'GET STARTED',
      [
        `1. $ ${bin} init       store your Okta SSO URL, username, password and TOTP secret (checked once)`,
        `2. $ ${bin} refresh    write an okta-<account>-<role> profile for every role you are granted`,
        `3. $ aws --profile okta-111111111111-Admin sts get-caller-identity   (or AWS_PROFILE=…)`,
      ].join('\n'),
    );
    const examples = this.section(
      'EXAMPLES',
      [
        `$ ${bin} roles`,
        `$ eval "$(${bin} assume okta-111111111111-Admin)"`,
        `$ ${bin} exec Admin -- terraform plan`,
        `$ ${bin} console-url Admin --open`,
        `$ ${bin} autocomplete bash`,
      ].join('\n'),
    );
    return [super.formatRoot(), start, examples].join('\n\n');
  }
}
