import { describe, expect, it } from 'vitest';
import { parseSigninPage } from '../../../src/saml/signin-page.js';

/** The classic role-selection page, as AWS served it for years (trimmed to what matters). */
const CLASSIC = `<!DOCTYPE html><html><head><title>Amazon Web Services Sign-In</title></head><body>
<form id="saml_form" name="saml_form" action="/saml" method="post"><fieldset>
<div class="saml-account"> <div onClick="expandCollapse(0);"><img id="image0" src="/static/image/down.png" valign="middle"></img>
<div class="saml-account-name">Account: acme-prod (111111111111)</div></div><hr>
<div id="0" class="saml-account"><div class="saml-role"><input type="radio" name="roleIndex" value="arn:aws:iam::111111111111:role/Admin" id="arn:aws:iam::111111111111:role/Admin" />
<label for="arn:aws:iam::111111111111:role/Admin" class="saml-role-description">Admin</label></div></div></div>
<div class="saml-account"><div class="saml-account-name">Account: 222222222222</div>
<div class="saml-role"><input type="radio" name="roleIndex" value="arn:aws:iam::222222222222:role/Auditor"/></div></div>
<div class="saml-account"><div class="saml-account-name">Account: a&#x2d;b&amp;c (333333333333)</div></div>
</fieldset></form></body></html>`;

function metaPage(data: unknown): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="data" content="${Buffer.from(JSON.stringify(data)).toString('base64')}"><title>Sign-In</title></head><body><div id="root"></div></body></html>`;
}

describe('parseSigninPage', () => {
  it('reads the classic saml-account-name divs: alias, bare id, and an alias IAM would not allow', () => {
    expect(parseSigninPage(CLASSIC)).toEqual({ '111111111111': 'acme-prod', '222222222222': null, '333333333333': null });
  });

  it("reads the newer page's <meta name=\"data\"> roles_accounts", () => {
    const page = metaPage({
      roles_accounts: { 'acme-prod (111111111111)': ['arn:aws:iam::111111111111:role/Admin'], '222222222222': ['arn:aws:iam::222222222222:role/Auditor'] },
    });
    expect(parseSigninPage(page)).toEqual({ '111111111111': 'acme-prod', '222222222222': null });
  });

  it('keeps names with digits and inner hyphens, and the account id beside it exactly', () => {
    expect(parseSigninPage(metaPage({ roles_accounts: { 'team-42-dev (000000000042)': [] } }))).toEqual({ '000000000042': 'team-42-dev' });
  });

  it.each([
    ['an unrelated page', '<html><body><p>We are upgrading this page.</p></body></html>'],
    ['an empty page', ''],
    ['a meta tag that is not base64 JSON', '<meta name="data" content="%%%">'],
    ['meta JSON without roles_accounts', metaPage({ something: 1 })],
    ['meta JSON whose roles_accounts is an array', metaPage({ roles_accounts: ['111111111111'] })],
    ['account divs with text that is no account', '<div class="saml-account-name">Choose a role</div>'],
    ['an id that is not 12 digits', '<div class="saml-account-name">Account: prod (1111111)</div>'],
  ])('returns undefined for %s', (_what, page) => {
    expect(parseSigninPage(page)).toBeUndefined();
  });

  it('ignores the class when it is only part of another class name', () => {
    expect(parseSigninPage('<div class="saml-account-names">Account: 111111111111</div>')).toBeUndefined();
  });
});

describe('parseSigninPage, edge cases of both formats', () => {
  const encoded = (data: unknown) => Buffer.from(JSON.stringify(data)).toString('base64');

  it.each<[string, string, Record<string, string | null> | undefined]>([
    ['a meta tag after other meta tags', `<meta name="description" content="x"><meta name="data" content="${encoded({ roles_accounts: { '111111111111': [] } })}">`, { '111111111111': null }],
    ['data on a tag that is not meta', `<link name="data" content="${encoded({ roles_accounts: { '111111111111': [] } })}">`, undefined],
    ['meta data without content', '<meta name="data">', undefined],
    ['meta JSON null', `<meta name="data" content="${encoded(null)}">`, undefined],
    ['meta roles_accounts null', `<meta name="data" content="${encoded({ roles_accounts: null })}">`, undefined],
    ['meta roles_accounts a string', `<meta name="data" content="${encoded({ roles_accounts: '111111111111' })}">`, undefined],
    ['meta roles_accounts without an account', `<meta name="data" content="${encoded({ roles_accounts: { 'Choose a role': [] } })}">`, undefined],
    [
      'the account divs when the meta data holds no account',
      `<meta name="data" content="${encoded({ roles_accounts: {} })}"><div class="saml-account-name">Account: prod (111111111111)</div>`,
      { '111111111111': 'prod' },
    ],
    ['only the first meta data tag', `<meta name="data" content="${encoded({ other: 1 })}"><meta name="data" content="${encoded({ roles_accounts: { '111111111111': [] } })}">`, undefined],
    ['a div among several classes, its label running to the end of the page', '<div id=a class="x  saml-account-name y">Account: prod (111111111111)', { '111111111111': 'prod' }],
    ['a div without a class', '<div>Account: 111111111111</div>', undefined],
    ['the class on another element than a div', '<span class="saml-account-name">Account: 111111111111</span>', undefined],
    ['account divs some of which are no account', '<div class="saml-account-name">Choose</div><div class="saml-account-name">Account: 222222222222</div>', { '222222222222': null }],
    ['an alias of one character, or one IAM would refuse for its hyphen or case', `<meta name="data" content="${encoded({ roles_accounts: { 'a (111111111111)': [], '-ab (222222222222)': [], 'ab- (333333333333)': [], 'Prod (444444444444)': [], 'ok1 (555555555555)': [] } })}">`, { '111111111111': null, '222222222222': null, '333333333333': null, '444444444444': null, '555555555555': 'ok1' }],
  ])('%s', (_what, page, names) => {
    expect(parseSigninPage(page)).toStrictEqual(names);
  });
});
