// proxy-from-env ships no types; this is the one function we use.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from *_PROXY / NO_PROXY, or '' when it should go direct. */
  export function getProxyForUrl(url: string): string;
}
