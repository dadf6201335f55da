import { describe, expect, it } from 'vitest';
import { parseAssertion } from '../../../src/saml/assertion.js';
import { thrown } from '../../helpers/user-error.js';

const P = 'arn:aws:iam::111111111111:saml-provider/Okta';
const R = 'arn:aws:iam::111111111111:role/Admin';

interface Options {
  roles?: string[];
  p?: string;
  a?: string;
  duration?: string;
  sessionName?: string;
  status?: string;
}

/** A Response shaped like Okta's (namespace prefixes vary between IdPs, so they are parameters). */
function samlResponse(options: Options = {}): string {
  const { p = 'saml2p', a = 'saml2', roles = [`${P},${R}`], status = 'urn:oasis:names:tc:SAML:2.0:status:Success' } = options;
  const attribute = (name: string, values: string[]) =>
    `<${a}:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
    values.map((v) => `<${a}:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${v}</${a}:AttributeValue>`).join('\n') +
    `</${a}:Attribute>`;
  const attributes = [
    options.roles === undefined || roles.length > 0 ? attribute('https://aws.amazon.com/SAML/Attributes/Role', roles) : '',
    attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', [options.sessionName ?? 'jane@example.com']),
    options.duration === undefined ? '' : attribute('https://aws.amazon.com/SAML/Attributes/SessionDuration', [options.duration]),
  ].join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<${p}:Response xmlns:${p}="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://signin.aws.amazon.com/saml" ID="id1" IssueInstant="2026-01-01T00:00:00.000Z" Version="2.0">
  <${a}:Issuer xmlns:${a}="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">http://www.okta.com/exk1</${a}:Issuer>
  <${p}:Status><${p}:StatusCode Value="${status}"/></${p}:Status>
  <${a}:Assertion xmlns:${a}="urn:oasis:names:tc:SAML:2.0:assertion" ID="id2" IssueInstant="2026-01-01T00:00:00.000Z" Version="2.0">
    <${a}:Issuer>http://www.okta.com/exk1</${a}:Issuer>
    <${a}:Subject>
      <${a}:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">jane@example.com</${a}:NameID>
      <${a}:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <${a}:SubjectConfirmationData NotOnOrAfter="2026-01-01T00:05:00.000Z" Recipient="https://signin.aws.amazon.com/saml"/>
      </${a}:SubjectConfirmation>
    </${a}:Subject>
    <${a}:Conditions NotBefore="2025-12-31T23:55:00.000Z" NotOnOrAfter="2026-01-01T00:04:30.000Z">
      <${a}:AudienceRestriction><${a}:Audience>urn:amazon:webservices</${a}:Audience></${a}:AudienceRestriction>
    </${a}:Conditions>
    <${a}:AttributeStatement>
${attributes}
    </${a}:AttributeStatement>
  </${a}:Assertion>
</${p}:Response>`;
}

describe('parseAssertion', () => {
  it('reads an Okta-style Response: provider first, no space', () => {
    expect(parseAssertion(samlResponse({ duration: '3600' }))).toEqual({
      roles: [{ roleArn: R, principalArn: P, accountId: '111111111111', roleName: 'Admin', partition: 'aws' }],
      sessionDuration: 3600,
      roleSessionName: 'jane@example.com',
      notOnOrAfter: new Date('2026-01-01T00:04:30.000Z'),
      destination: 'https://signin.aws.amazon.com/saml',
    });
  });

  it.each([
    ['provider first', `${P},${R}`],
    ['role first', `${R},${P}`],
    ['provider first with a space', `${P}, ${R}`],
    ['role first with spaces and padding', `  ${R} ,  ${P}  `],
  ])('classifies the halves by ARN type, not position (%s)', (_name, value) => {
    expect(parseAssertion(samlResponse({ roles: [value] })).roles).toEqual([{ roleArn: R, principalArn: P, accountId: '111111111111', roleName: 'Admin', partition: 'aws' }]);
  });

  it('keeps role paths in roleName', () => {
    const role = 'arn:aws:iam::222222222222:role/team/dev/Deployer';
    expect(parseAssertion(samlResponse({ roles: [`${P},${role}`] })).roles[0]).toEqual({
      roleArn: role,
      principalArn: P,
      accountId: '222222222222',
      roleName: 'team/dev/Deployer',
      partition: 'aws',
    });
  });

  it('reads all three partitions, several roles, in order, without duplicates, with other prefixes', () => {
    const gov = ['arn:aws-us-gov:iam::333333333333:saml-provider/Okta', 'arn:aws-us-gov:iam::333333333333:role/GovReader'];
    const cn = ['arn:aws-cn:iam::444444444444:saml-provider/okta.idp', 'arn:aws-cn:iam::444444444444:role/CnAdmin'];
    const roles = parseAssertion(
      samlResponse({ p: 'samlp', a: 'saml', roles: [`${P},${R}`, `${gov[1]}, ${gov[0]}`, `${cn[0]},${cn[1]}`, `${R}, ${P}`, `${P},${R}`] }),
    ).roles;
    expect(roles.map((r) => [r.partition, r.accountId, r.roleName, r.principalArn])).toEqual([
      ['aws', '111111111111', 'Admin', P],
      ['aws-us-gov', '333333333333', 'GovReader', gov[0]],
      ['aws-cn', '444444444444', 'CnAdmin', cn[0]],
    ]);
  });

  it('allows the provider and the role in different accounts of one partition', () => {
    const role = 'arn:aws:iam::555555555555:role/CrossAccount';
    expect(parseAssertion(samlResponse({ roles: [`${P},${role}`] })).roles[0]?.accountId).toBe('555555555555');
  });

  it('works with a default namespace and a bare Assertion root', () => {
    const xml = samlResponse({ roles: [`${P},${R}`] });
    const bare = xml.slice(xml.indexOf('<saml2:Assertion'), xml.indexOf('</saml2:Assertion>') + '</saml2:Assertion>'.length).replaceAll('saml2:', '').replace('xmlns:saml2=', 'xmlns=');
    expect(bare.startsWith('<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"')).toBe(true);
    expect(parseAssertion(bare)).toMatchObject({ roles: [{ roleArn: R }], roleSessionName: 'jane@example.com' });
  });

  it('ignores elements in the wrong namespace', () => {
    const xml = samlResponse({ roles: [`${P},${R}`] }).replace('<saml2:AttributeStatement>', '<x:AttributeStatement xmlns:x="urn:example">').replace('</saml2:AttributeStatement>', '</x:AttributeStatement>');
    expect(thrown(() => parseAssertion(xml)).code).toBe('NO_ROLES');
  });

  it('says NO_ROLES when there is no Role attribute', () => {
    const error = thrown(() => parseAssertion(samlResponse({ roles: [] })));
    expect(error.code).toBe('NO_ROLES');
    expect(error.message).toBe('The SAML assertion grants no AWS role');
    expect(error.hint).toBe('Ask your Okta admin to assign you a role in the AWS app.');
  });

  it.each([
    ['a lone role', R, 'expected two ARNs separated by one comma'],
    ['two roles', `${R},${R}`, 'expected one saml-provider ARN and one role ARN'],
    ['an empty value', '', 'expected two ARNs separated by one comma'],
    ['a short account', `arn:aws:iam::11111111111:saml-provider/Okta,${R}`, 'is not a SAML provider ARN'],
    ['an unknown partition', `${P},arn:aws-eu:iam::111111111111:role/Admin`, 'is not an IAM role ARN'],
    ['a role without a name', `${P},arn:aws:iam::111111111111:role/`, 'is not an IAM role ARN'],
    ['mixed partitions', `${P},arn:aws-cn:iam::111111111111:role/Admin`, 'different AWS partitions'],
  ])('rejects a malformed value (%s), naming it', (_name, value, why) => {
    const error = thrown(() => parseAssertion(samlResponse({ roles: [`${P},${R}`, value] })));
    expect(error.code).toBe('BAD_ROLE');
    expect(error.message).toContain(`"${value}"`);
    expect(error.message).toContain(why);
  });

  it('rejects malformed XML as BAD_SAML', () => {
    const xml = samlResponse().replace('</saml2:Assertion>', '');
    const error = thrown(() => parseAssertion(xml));
    expect(error.code).toBe('BAD_SAML');
    expect(error.message).toMatch(/^The SAML assertion from Okta is not well-formed XML/);
  });

  it('rejects an unbound prefix, a DOCTYPE, a foreign root and a failed status', () => {
    const unbound = thrown(() => parseAssertion(samlResponse().replace(' xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"', '')));
    expect(unbound.code).toBe('BAD_SAML');
    expect(unbound.message).toMatch(/not well-formed XML .*namespace/);
    const doctype = samlResponse().replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE r [<!ENTITY a "b">]>');
    expect(thrown(() => parseAssertion(doctype)).message).toBe('The SAML assertion from Okta contains a DOCTYPE, which SAML never has');
    expect(thrown(() => parseAssertion('<html><body/></html>')).message).toBe("The SAML document's root is <html>, not a SAML 2.0 Response");
    const failed = thrown(() => parseAssertion(samlResponse({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' })));
    expect(failed.message).toBe("Okta's SAML Response reports a failure (urn:oasis:names:tc:SAML:2.0:status:Requester)");
  });

  it('says so when the assertion is encrypted', () => {
    const xml = samlResponse().replace(/<saml2:Assertion [\s\S]*<\/saml2:Assertion>/, '<saml2:EncryptedAssertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><x/></saml2:EncryptedAssertion>');
    expect(thrown(() => parseAssertion(xml)).message).toBe('The SAML assertion is encrypted, so okta-aws cannot read the roles in it');
  });

  it('rejects a SessionDuration that is not whole seconds', () => {
    expect(thrown(() => parseAssertion(samlResponse({ duration: '1h' }))).message).toBe('The SAML SessionDuration "1h" is not a whole number of seconds');
  });
});

describe('parseAssertion, the optional parts and the limits', () => {
  const AS = 'urn:oasis:names:tc:SAML:2.0:assertion';
  const BAD_SAML_HINT = 'Okta sent an assertion okta-aws cannot use; run again with --debug and report it, or ask your Okta admin to check the AWS app.';
  const role = { roleArn: R, principalArn: P, accountId: '111111111111', roleName: 'Admin', partition: 'aws' };
  /** The fixture with its two NotOnOrAfter limits replaced (undefined: the attribute left out). */
  const limits = (conditions: string | undefined, data: string | undefined) =>
    samlResponse()
      .replace(' NotOnOrAfter="2026-01-01T00:04:30.000Z"', conditions === undefined ? '' : ` NotOnOrAfter="${conditions}"`)
      .replace('<saml2:SubjectConfirmationData NotOnOrAfter="2026-01-01T00:05:00.000Z"', data === undefined ? '<saml2:SubjectConfirmationData' : `<saml2:SubjectConfirmationData NotOnOrAfter="${data}"`);

  it('leaves out what the Response does not carry', () => {
    const xml = limits(undefined, undefined)
      .replace(/<saml2:Attribute Name="https:\/\/aws.amazon.com\/SAML\/Attributes\/RoleSessionName"[\s\S]*?<\/saml2:Attribute>/, '')
      .replace(' Destination="https://signin.aws.amazon.com/saml"', '');
    expect(parseAssertion(xml)).toStrictEqual({ roles: [role] });
  });

  it('leaves out an empty RoleSessionName, and trims the values it reads', () => {
    expect(parseAssertion(samlResponse({ sessionName: '' })).roleSessionName).toBeUndefined();
    expect('roleSessionName' in parseAssertion(samlResponse({ sessionName: '' }))).toBe(false);
    const padded = parseAssertion(samlResponse({ sessionName: '\n  jane@example.com\n', duration: ' 43200 ', roles: [`\n  ${P},${R}\n`] }));
    expect(padded).toMatchObject({ roleSessionName: 'jane@example.com', sessionDuration: 43200, roles: [role] });
  });

  it.each([
    ['the earlier of Conditions and SubjectConfirmationData (Conditions)', limits('2026-01-01T00:04:30Z', '2026-01-01T00:05:00Z'), '2026-01-01T00:04:30Z'],
    ['the earlier of Conditions and SubjectConfirmationData (the data)', limits('2026-01-01T00:05:00Z', '2026-01-01T00:03:00Z'), '2026-01-01T00:03:00Z'],
    ['SubjectConfirmationData alone', limits(undefined, '2026-01-01T00:02:00Z'), '2026-01-01T00:02:00Z'],
    ['Conditions alone', limits('2026-01-01T00:01:00Z', undefined), '2026-01-01T00:01:00Z'],
  ])('takes as NotOnOrAfter %s', (_what, xml, expected) => {
    expect(parseAssertion(xml).notOnOrAfter).toEqual(new Date(expected));
  });

  it('has no NotOnOrAfter when neither limit is given', () => {
    expect('notOnOrAfter' in parseAssertion(limits(undefined, undefined))).toBe(false);
  });

  it.each([
    ['in Conditions', limits('soon', '2026-01-01T00:05:00Z'), 'soon'],
    ['in SubjectConfirmationData, after a Conditions without one', limits(undefined, 'tomorrow'), 'tomorrow'],
  ])('rejects an invalid NotOnOrAfter %s, naming it', (_what, xml, stamp) => {
    const error = thrown(() => parseAssertion(xml));
    expect(error.message).toBe(`The SAML assertion has an invalid NotOnOrAfter "${stamp}"`);
    expect(error.hint).toBe(BAD_SAML_HINT);
    expect(error.code).toBe('BAD_SAML');
  });

  it('reads a Destination only from a Response, not from a bare Assertion', () => {
    const xml = samlResponse();
    const bare = xml.slice(xml.indexOf('<saml2:Assertion'), xml.indexOf('</saml2:Assertion>') + '</saml2:Assertion>'.length).replace('<saml2:Assertion ', '<saml2:Assertion Destination="https://evil.example/saml" ');
    expect('destination' in parseAssertion(bare)).toBe(false);
  });

  it('keeps the first provider of a role granted through two', () => {
    const other = 'arn:aws:iam::111111111111:saml-provider/OktaBackup';
    expect(parseAssertion(samlResponse({ roles: [`${P},${R}`, `${other},${R}`] })).roles).toStrictEqual([role]);
    expect(parseAssertion(samlResponse({ roles: [`${other},${R}`, `${P},${R}`] })).roles[0]?.principalArn).toBe(other);
  });

  it.each(['x3600', '3600x', '-1', '1.5', ''])('rejects the SessionDuration %j', (duration) => {
    const error = thrown(() => parseAssertion(samlResponse({ duration })));
    expect(error.message).toBe(`The SAML SessionDuration "${duration}" is not a whole number of seconds`);
    expect(error.hint).toBe(BAD_SAML_HINT);
  });

  it('names the fix for a malformed role value', () => {
    expect(thrown(() => parseAssertion(samlResponse({ roles: [R] }))).hint).toBe(
      'Ask your Okta admin to fix the role mapping of the AWS app: each value must be "arn:aws:iam::<account>:saml-provider/<name>,arn:aws:iam::<account>:role/<name>".',
    );
  });

  it.each([
    ['an element of the assertion namespace other than Assertion', `<saml2:Issuer xmlns:saml2="${AS}">x</saml2:Issuer>`, 'saml2:Issuer'],
    ['an Assertion in another namespace', '<Assertion xmlns="urn:example"/>', 'Assertion'],
    ['an element of the protocol namespace other than Response', '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>', 'samlp:LogoutResponse'],
    ['a Response in another namespace', '<Response xmlns="urn:example"/>', 'Response'],
  ])('refuses a root that is %s', (_what, xml, tag) => {
    const error = thrown(() => parseAssertion(xml));
    expect(error.message).toBe(`The SAML document's root is <${tag}>, not a SAML 2.0 Response`);
    expect(error.hint).toBe(BAD_SAML_HINT);
  });

  it.each([
    ['an unclosed root', samlResponse().replace('</saml2p:Response>', ''), 'fatalError: unclosed xml tag(s): saml2p:Response'],
    ['no root at all', '<?xml version="1.0"?>', 'fatalError: missing root element'],
    ['an HTML entity XML does not know', samlResponse({ sessionName: 'jane&nbsp;doe' }), 'error: entity not found:&nbsp;'],
  ])('says what is wrong with XML that is not well-formed: %s', (_what, xml, problem) => {
    const error = thrown(() => parseAssertion(xml));
    expect(error.message).toBe(`The SAML assertion from Okta is not well-formed XML (${problem})`);
    expect(error.hint).toBe(BAD_SAML_HINT);
    expect(error.code).toBe('BAD_SAML');
  });

  it('reads a Response without a Status as a success, and one whose Status has no code as a failure', () => {
    expect(parseAssertion(samlResponse().replace(/<saml2p:Status>.*<\/saml2p:Status>/, '')).roles).toStrictEqual([role]);
    const error = thrown(() => parseAssertion(samlResponse().replace(/<saml2p:StatusCode [^>]*\/>/, '')));
    expect(error.message).toBe("Okta's SAML Response reports a failure (no StatusCode)");
    expect(error.hint).toBe('Sign in to the AWS app once in a browser to see why, or ask your Okta admin.');
    expect(error.code).toBe('BAD_SAML');
  });

  it('says so when a Response holds no Assertion, encrypted or not', () => {
    const none = thrown(() => parseAssertion(samlResponse().replace(/<saml2:Assertion [\s\S]*<\/saml2:Assertion>/, '')));
    expect(none.message).toBe('The SAML Response from Okta holds no Assertion');
    expect(none.hint).toBe(BAD_SAML_HINT);
    const encrypted = thrown(() => parseAssertion(samlResponse().replace(/<saml2:Assertion [\s\S]*<\/saml2:Assertion>/, `<saml2:EncryptedAssertion xmlns:saml2="${AS}"><x/></saml2:EncryptedAssertion>`)));
    expect(encrypted.hint).toBe('Ask your Okta admin to turn off assertion encryption for the AWS app.');
    expect(encrypted.code).toBe('BAD_SAML');
  });
});
