// A stand-in for the user's browser (BROWSER="node approving-browser.mjs <log> [deny]"): records the URL it was
// asked to open, then approves (or denies) the device code in it, as the user would after signing in.
import { appendFileSync } from 'node:fs';

const [log, ...rest] = process.argv.slice(2);
const url = new URL(rest.at(-1));
appendFileSync(log, `${url.href}\n`);
const response = await fetch(`${url.origin}/__emulator/oauth/approve`, {
  method: 'POST',
  body: JSON.stringify({ userCode: url.searchParams.get('user_code'), deny: rest.includes('deny') }),
});
process.exit(response.ok ? 0 : 1);
