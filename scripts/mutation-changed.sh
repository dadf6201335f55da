#!/usr/bin/env bash
# Mutation testing of only the core files a commit changed (default: the last one), for CI.
# Prints their scores and survivors; the 85% goal is for the whole run (`npm run test:mutation`).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-HEAD^}
git rev-parse -q --verify "$base^{commit}" >/dev/null || { echo "mutation: no $base to compare with; skipped"; exit 0; }
files=$(git diff --name-only --diff-filter=AMR "$base" HEAD -- src/aws src/saml src/lib src/okta src/shell src/console src/stores | grep '\.ts$' | grep -v '\.d\.ts$' | paste -sd, - || true)
[ -n "$files" ] || { echo "mutation: no core file changed since $base; skipped"; exit 0; }
echo "mutation: $files"
npx stryker run --mutate "$files"
npx tsx scripts/mutation-summary.ts --no-goal
