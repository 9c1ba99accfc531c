#!/usr/bin/env bash
# Every shell script of the recovery path: shellcheck clean (all severities, sourced files followed),
# `#!/usr/bin/env bash` and `set -euo pipefail`; and the wrappers, which run inside the stock
# postgres image, call nothing beyond bash, coreutils, the PostgreSQL client tools (and docker).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

command -v shellcheck >/dev/null || fail "shellcheck is not installed (make deps)"
scripts=("$WRAPPERS"/*.sh "$TESTS_DIR"/*.sh "$TESTS_DIR/fake-docker")
((${#scripts[@]} >= 12)) || fail "expected at least 12 scripts, found ${#scripts[@]}"

for f in "${scripts[@]}"; do
  IFS= read -r first <"$f"
  assert_eq '#!/usr/bin/env bash' "$first" "shebang of $f"
  grep -qx 'set -euo pipefail' "$f" || fail "$f does not set -euo pipefail"
done
ok "${#scripts[@]} scripts start with #!/usr/bin/env bash and set -euo pipefail"

(cd "$REPO_ROOT" && shellcheck -x --severity=style "${scripts[@]}") || fail "shellcheck reports problems (above)"
ok "shellcheck: no findings in ${#scripts[@]} scripts"

# Tools a wrapper may not rely on (not in the postgres image's guaranteed set), at command position.
forbidden='(^|[|;&(]|\$\(|then|do|else|\|\||&&)[[:space:]]*(sed|awk|gawk|grep|egrep|find|perl|python3?|jq|xargs|curl|wget|flock|timeout|tput|expect|script)([[:space:]]|$)'
for f in "$WRAPPERS"/*.sh; do
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    [[ $line =~ ^[[:space:]]*# ]] && continue
    if [[ $line =~ $forbidden ]]; then
      fail "$f:$n uses ${BASH_REMATCH[2]}, which the stock postgres image need not have: $line"
    fi
  done <"$f"
done
ok "wrappers use only bash, coreutils and the PostgreSQL client tools"
