// What init needs only once its questions are answered: the login, the credentials file. runInit
// loads it while the person types, so the first question is asked before any of it is loaded.
export { checkCredentialsFile } from '../aws/credentials-file.js';
export { timeoutFromEnv } from '../lib/http.js';
export { renameProfiles } from './profile-naming.js';
export { signIn } from './sign-in.js';
