// A Stryker ignorer: leaves out the equivalent mutants listed in stryker.config.mjs, each with its reason.
import { relative } from 'node:path';
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';
import { EQUIVALENT } from '../stryker.config.mjs';

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'equivalent', {
    shouldIgnore(path) {
      const file = relative(process.cwd(), path.hub?.file?.opts?.filename ?? '');
      for (const entry of EQUIVALENT) {
        if (entry.file === file && path.getSource() === entry.code) return `equivalent: ${entry.reason}`;
      }
      return undefined;
    },
  }),
];
